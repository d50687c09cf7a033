/**
 * A live `streamdrill play` speaks the metric catalogue's Prometheus vocabulary: a scrape of the
 * collector's `/metrics`, with real hls.js and Shaka viewers playing, carries every series the
 * shipped rule file (scenarios/rules/default.prometheus.yml) selects — read with PromQL's own
 * grammar — for every region and device class that has viewers, and promtool accepts the scrape.
 * Runs Chromium: under the browser lock.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePromRules } from '../../prometheus/rule-file.ts';
import { type CliProcess, startCli } from '../support/cli-process.ts';
import { type Selector, selectors, selects } from '../support/promql.ts';
import { promtoolCheckMetrics } from '../support/promtool.ts';

const RULES = join(import.meta.dirname, '../../scenarios/rules/default.prometheus.yml');
const cwd = mkdtempSync(join(tmpdir(), 'sd-live-metrics-'));
let play: CliProcess | undefined;

// Ctrl-C, as a user stops it: the fleet, the browser and the stack shut down and the files are
// written (that takes a while on a busy machine); a kill if it hangs.
afterAll(async () => {
  if (!play || play.child.exitCode !== null) return;
  play.child.kill('SIGINT');
  const timer = setTimeout(() => play?.child.kill('SIGKILL'), 80_000);
  await play.exited;
  clearTimeout(timer);
}, 90_000);

interface Series {
  name: string;
  labels: Record<string, string>;
}

function series(text: string): Series[] {
  return parsePrometheusTextFormat(text).flatMap((f) =>
    f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {} })),
  );
}

/** What a selector lacks in the scrape: each slice label it selects must show every value the drill has. */
function missing(sel: Selector, scrape: Series[], want: Record<string, string[]>): string[] {
  const hit = scrape.filter((s) => selects(sel, s.name, s.labels));
  if (hit.length === 0) return [`${sel.text}: no series`];
  const out: string[] = [];
  for (const m of sel.matchers)
    for (const v of want[m.label] ?? [])
      if (!hit.some((s) => s.labels[m.label] === v))
        out.push(`${sel.text}: no series with ${m.label}="${v}"`);
  return out;
}

describe('a live streamdrill play scrape', () => {
  it('carries every series the shipped Prometheus rules select, and passes promtool', async () => {
    play = startCli(
      [
        'play',
        '--players',
        '4',
        '--duration',
        '90s',
        '--interval',
        '5s',
        '--cohorts',
        'region=emea:1,na:1;player=hlsjs,shaka;device=desktop:1,tv:1',
        '--seed',
        'live-metrics',
        '--out',
        join(cwd, 'out'),
      ],
      { cwd },
    );
    const rules = parsePromRules(readFileSync(RULES, 'utf8'), RULES);
    const wanted = rules.flatMap((r) => selectors(r.expr));
    expect(wanted.length).toBeGreaterThanOrEqual(rules.length);
    const want = { region: ['emea', 'na'], device: ['desktop', 'tv'] };

    const URL_RE = /Prometheus (http:\/\/\S+\/metrics)/;
    let url: string | undefined;
    let lacking: string[] = ['(not scraped yet)'];
    let text = '';
    const deadline = Date.now() + 75_000;
    while (Date.now() < deadline) {
      if (play.child.exitCode !== null) throw new Error(`streamdrill play exited early:\n${play.output()}`);
      url ??= URL_RE.exec(play.output())?.[1];
      if (url) {
        text = await (await fetch(url)).text();
        const scrape = series(text);
        // Viewers must be watching in both regions before the scrape can show them.
        const watching = scrape.filter(
          (s) => s.name === 'streamdrill_qoe_current_viewers' && s.labels.region,
        );
        if (watching.length >= 2) {
          lacking = wanted.flatMap((sel) => missing(sel, scrape, want));
          if (lacking.length === 0) break;
        }
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(lacking, play.output().slice(-3000)).toEqual([]);
    // The same names as the export, and no "all" placeholder labels.
    expect(text).toContain('\nstreamdrill_qoe_rebuffering_share ');
    expect(text).not.toContain('="all"');
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, problems: '' });
  }, 150_000);
});
