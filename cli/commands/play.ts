/**
 * `streamdrill play`: starts the stub stack and a fleet of real viewers in headless Chromium (hls.js
 * and Shaka by default; any player of the registry with `--cohorts player=…`, e.g. dash.js), prints
 * a live QoE line per interval, and writes DIR/journal.jsonl and DIR/metrics.json.
 * The stack's control API is printed (and written to .streamdrill/stack.json) so a second shell can
 * inject faults with `streamdrill stack fault add ...` while it runs. Ctrl-C stops everything and
 * still writes the journal and the metrics.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { RealClock } from '../../core/clock.ts';
import { JournalWriter } from '../../core/journal.ts';
import { JOURNAL_VERSION } from '../../core/journal-events.ts';
import { formatMetric, metricValue } from '../../metrics/catalogue.ts';
import type { QoeMetrics } from '../../metrics/engine.ts';
import { Stack } from '../../origin-stub/stack.ts';
import { BrowserNotFoundError, findBrowser } from '../../player-harness/browser.ts';
import {
  assignViewers,
  CohortError,
  type CohortSpec,
  describeAssignment,
  parseCohorts,
} from '../../player-harness/cohorts.ts';
import { parseWindow, REPORT_DIMENSIONS, summaryLine } from '../../player-harness/collector.ts';
import { Harness } from '../../player-harness/harness.ts';
import { PLAYER_IDS } from '../../players/registry.ts';
import { STACK_FILE, STATE_DIR } from '../control-client.ts';
import { InputError, UsageError } from '../errors.ts';
import { Interrupt, sleepUnless } from '../lifecycle.ts';
import { parsePort } from '../options.ts';
import { parsePlayers } from '../run-output.ts';

interface PlayFlags {
  players: number;
  duration: number;
  cohorts?: string;
  out?: string;
  population?: number;
  patience: number;
  churn?: number;
  perPage: number;
  interval: number;
  window: number;
  browser?: string;
  seed: string;
  portBase?: number;
}

function parseDuration(value: string): number {
  const ms = parseWindow(value);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError(`expected a duration such as 90s, 2m or 1h, got ${JSON.stringify(value)}`);
  return ms;
}

function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** The slice that moved most (rebuffering now, stalled time or start failures), for the live line. */
function worstSlice(by: Record<string, Record<string, QoeMetrics>>): string {
  const shown = [
    ['rebuffering', 'rebuffering_share', 0],
    ['stalled', 'rebuffer_ratio', 1],
    ['VSF', 'video_start_failure', 0],
    ['EBVS', 'exits_before_video_start', 0],
  ] as const;
  let best: { score: number; text: string } | undefined;
  for (const [dim, slices] of Object.entries(by)) {
    for (const [value, m] of Object.entries(slices)) {
      const score = Math.max(...shown.map(([, id]) => metricValue(m, id) ?? 0));
      if (score > 0 && (!best || score > best.score)) {
        const parts = shown.map(
          ([name, id, digits]) => `${name} ${formatMetric(id, metricValue(m, id) ?? 0, digits)}`,
        );
        best = { score, text: `worst ${dim}=${value}: ${parts.join(' ')}` };
      }
    }
  }
  return best ? ` | ${best.text}` : '';
}

export function registerPlay(program: Command): void {
  program
    .command('play')
    .description(
      'Start the stack and a fleet of real viewers (hls.js and Shaka; dash.js with --cohorts player=dashjs); print live QoE; write the journal and metrics',
    )
    .option('--players <n>', 'real viewers (1 to 64)', parsePlayers, 12)
    .option('--duration <d>', 'how long to play (e.g. 90s, 2m)', parseDuration, 120_000)
    .option(
      '--cohorts <spec>',
      `spread of viewers, e.g. "region=emea:2,na:1;player=hlsjs,shaka;device=desktop:2,tv:1;variant=clear:3,enc:1" (dimensions: region, isp, player, device, channel, variant; players: ${PLAYER_IDS.join(', ')}, dash.js only when named)`,
    )
    .option('--out <dir>', 'where journal.jsonl and metrics.json go (default runs/play-<time>)')
    .option(
      '--population <n>',
      'viewers the fleet stands for (each real viewer weighs population / players)',
      parsePositiveInt,
    )
    .option('--patience <d>', 'a viewer not started after this long leaves', parseDuration, 15_000)
    .option(
      '--churn <d>',
      'mean watch time before a viewer leaves and comes back (default: no churn)',
      parseDuration,
    )
    .option('--per-page <n>', 'viewers per browser page', parsePositiveInt, 4)
    .option('--interval <d>', 'live summary interval', parseDuration, 5000)
    .option('--window <d>', 'sliding window of the live metrics', parseDuration, 60_000)
    .option('--browser <path>', 'Chromium executable (default: STREAMDRILL_BROWSER, /usr/bin/chromium, ...)')
    .option('--seed <seed>', 'seed for fault shares, jitter and fleet timing', 'streamdrill')
    .option(
      '--port-base <port>',
      'stack listens on fixed ports from here upwards (default: free ports)',
      parsePort,
    )
    .action(async (flags: PlayFlags) => runPlay(flags));
}

async function runPlay(flags: PlayFlags): Promise<void> {
  let spec: CohortSpec = {};
  try {
    if (flags.cohorts) spec = parseCohorts(flags.cohorts);
  } catch (err) {
    if (err instanceof CohortError) throw new UsageError(`--cohorts: ${err.message}`);
    throw err;
  }
  let browserPath: string;
  try {
    browserPath = findBrowser(flags.browser);
  } catch (err) {
    if (err instanceof BrowserNotFoundError) throw new InputError(err.message);
    throw err;
  }
  const clock = new RealClock();
  const out = flags.out ?? join('runs', `play-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });
  const journal = await JournalWriter.open(join(out, 'journal.jsonl'));
  const viewers = assignViewers(flags.players, spec);
  const weight = flags.population ? flags.population / flags.players : 1;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  // Signals are handled from here on: one during start-up stops the run as soon as the stack and
  // the fleet are up (each takes seconds, bounded by the player cap), never after the duration.
  const interrupt = new Interrupt();
  const stack = await Stack.start({ seed: flags.seed, portBase: flags.portBase });
  let harness: Harness | undefined;
  const startedAt = clock.now();
  try {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(
      STACK_FILE,
      `${JSON.stringify({ control: stack.urls.control, pid: process.pid }, null, 2)}\n`,
    );
    journal.write({
      v: JOURNAL_VERSION,
      t: startedAt,
      type: 'play.start',
      players: flags.players,
      weight,
      cohorts: flags.cohorts ?? null,
      control: stack.urls.control,
      viewers: viewers.map((v) => ({ ...v })),
    });
    harness = await Harness.start({
      stack,
      viewers,
      clock,
      journal,
      browserPath,
      engine: { windowMs: flags.window, retentionMs: Math.max(15 * 60_000, flags.duration + 5 * 60_000) },
      fleet: {
        weight,
        patienceMs: flags.patience,
        viewersPerPage: flags.perPage,
        seed: flags.seed,
        ...(flags.churn ? { churn: { meanWatchMs: flags.churn, rejoinAfterMs: 10_000 } } : {}),
      },
      log: (line) => say(`  ${line}`),
    });
    const h = harness;
    say(`streamdrill play: ${flags.players} real viewers (${describeAssignment(viewers)})`);
    if (weight !== 1) say(`  each stands for ${Math.round(weight)} viewers (population ${flags.population})`);
    say(`  stack control API  ${stack.urls.control}`);
    say(`  entry point        ${stack.linkUrl('viewer.entry')}`);
    say(
      `  QoE                ${h.collector.url}/metrics.json  (Prometheus ${h.collector.url}/metrics, live ${h.collector.url}/events)`,
    );
    say(`  output             ${out}/journal.jsonl, ${out}/metrics.json`);
    say(`Inject a fault from another shell, e.g.:`);
    say(
      `  npx streamdrill stack fault add http-status --match cdn=cdn-a,pop=fra,kind=segment --set status=503`,
    );
    say(
      `  npx streamdrill stack mitigate steer --region emea --cdn cdn-b   (add --control ${stack.urls.control} from another directory)`,
    );
    say(`Ctrl-C stops early. Window ${flags.window / 1000}s, a line every ${flags.interval / 1000}s:`);
    let popsShown = false;
    const timer = clock.setInterval(() => {
      const r = h.collector.report();
      const elapsed = Math.round((clock.now() - startedAt) / 1000);
      say(`[${String(elapsed).padStart(4)}s] ${summaryLine(r.overall)}${worstSlice(r.by)}`);
      if (!popsShown && r.overall.currentViewers > 0) {
        popsShown = true;
        const real = h.collector.engine.sessions().filter((s) => s.endT === undefined);
        const counts = new Map<string, number>();
        for (const s of real) {
          const l = s.epochs.at(-1)!.labels;
          const key = `${l.cdn}/${l.pop}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        say(
          `        real viewers per POP: ${[...counts]
            .sort()
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      }
    }, flags.interval);
    if (!interrupt.signal.aborted) await sleepUnless(flags.duration, interrupt.signal);
    clock.clearInterval(timer);
    say(
      interrupt.received
        ? `\n${interrupt.received}: stopping the fleet, browser and stack...`
        : 'duration reached: stopping...',
    );
  } finally {
    interrupt.dispose();
    await harness?.fleet.stop().catch(() => {});
    if (harness) {
      const elapsed = clock.now() - startedAt;
      const whole = harness.collector.report(elapsed + 1000);
      const last = harness.collector.report(flags.window);
      const metrics = {
        run: {
          startedAt: new Date(startedAt).toISOString(),
          durationMs: elapsed,
          players: flags.players,
          weight,
          cohorts: flags.cohorts ?? null,
          interrupted: interrupt.received ?? null,
        },
        whole: { windowMs: whole.windowMs, overall: whole.overall, by: whole.by },
        lastWindow: { windowMs: last.windowMs, overall: last.overall, by: last.by },
      };
      writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
      await harness.close().catch(() => {});
      say(`whole run: ${summaryLine(whole.overall)}`);
      for (const d of REPORT_DIMENSIONS) {
        const parts = Object.entries(whole.by[d]).map(
          ([k, m]) =>
            `${k} stalled ${formatMetric('rebuffer_ratio', metricValue(m, 'rebuffer_ratio') ?? 0, 2)} VSF ${formatMetric('video_start_failure', metricValue(m, 'video_start_failure') ?? 0, 0)}`,
        );
        say(`  by ${d.padEnd(6)} ${parts.join(' | ')}`);
      }
    }
    journal.write({
      v: JOURNAL_VERSION,
      t: clock.now(),
      type: 'play.end',
      interrupted: interrupt.received ?? null,
    });
    await journal.close();
    await stack.close();
    rmSync(STACK_FILE, { force: true });
    say(`wrote ${join(out, 'journal.jsonl')} (${journal.written} events) and ${join(out, 'metrics.json')}`);
    interrupt.settle();
  }
}
