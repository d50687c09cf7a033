/**
 * How many real viewers this machine sustains: for increasing N, the whole stub stack plus N real
 * hls.js/Shaka viewers (a control cohort: no fault anywhere) play for a measured window, and we
 * record CPU (this Node process, which runs the stack and the collector, plus every Chromium
 * process), memory (Node RSS + Chromium PSS) and the control cohort's stalls. A stall with no
 * fault is caused by CPU starvation alone; the supported N is the largest with none.
 *
 * Env: BENCH_PLAYERS_N (e.g. "8,16,24,32"), BENCH_PLAYERS_SECONDS (measured window, default 60).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { metricValue } from '../metrics/catalogue.ts';
import { Stack } from '../origin-stub/stack.ts';
import { assignViewers } from '../player-harness/cohorts.ts';
import { Harness } from '../player-harness/harness.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcSample {
  ticks: number;
  pssKb: number;
  count: number;
}

/** CPU ticks and memory of every descendant of `root` (Chromium and its helpers). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

function sampleChildren(): ProcSample {
  let ticks = 0;
  let pssKb = 0;
  let count = 0;
  for (const pid of descendants(process.pid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime + stime
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      count++;
    } catch {
      // exited meanwhile
    }
  }
  return { ticks, pssKb, count };
}

export interface PlayersRow {
  viewers: number;
  pages: number;
  measuredSeconds: number;
  started: number;
  /** CPU in % of one core: Node (stack + collector + driver) and Chromium. */
  cpuNodePct: number;
  cpuChromiumPct: number;
  cpuTotalPct: number;
  memNodeMb: number;
  memChromiumMb: number;
  chromiumProcesses: number;
  controlStalls: number;
  controlStalledTimePct: number | null;
  failures: number;
  startupP50Ms: number | null;
  startupP95Ms: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(stack: Stack, n: number, seconds: number): Promise<PlayersRow> {
  const viewers = assignViewers(n, {});
  const harness = await Harness.start({
    stack,
    viewers,
    fleet: {
      runId: `bench${n}`,
      viewersPerPage: 4,
      joinSpreadMs: Math.min(15_000, n * 400),
      rejoinAfterFailMs: 0,
    },
  });
  try {
    // everyone joins, then 15 s to settle
    await sleep(Math.min(15_000, n * 400) + 15_000);
    const from = Date.now();
    const cpu0 = process.cpuUsage();
    const c0 = sampleChildren();
    await sleep(seconds * 1000);
    const wall = (Date.now() - from) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const c1 = sampleChildren();
    const m = harness.collector.engine.snapshot(Date.now(), { windowMs: Date.now() - from });
    const all = harness.collector.engine.snapshot(Date.now(), { windowMs: Date.now() - from + 60_000 });
    const states = await harness.fleet.state();
    const cpuNodePct = (100 * (cpu.user + cpu.system)) / 1e6 / wall;
    const cpuChromiumPct = (100 * (c1.ticks - c0.ticks)) / TICKS_PER_SECOND / wall;
    const stalled = metricValue(m, 'rebuffer_ratio');
    const stalledPct = stalled === null ? null : stalled * 100;
    return {
      viewers: n,
      pages: harness.fleet.pageCount,
      measuredSeconds: Math.round(wall),
      started: states.filter((s) => s.started).length,
      cpuNodePct: Math.round(cpuNodePct),
      cpuChromiumPct: Math.round(cpuChromiumPct),
      cpuTotalPct: Math.round(cpuNodePct + cpuChromiumPct),
      memNodeMb: Math.round(process.memoryUsage().rss / 1e6),
      memChromiumMb: Math.round(c1.pssKb / 1024),
      chromiumProcesses: c1.count,
      controlStalls: m.stalls,
      controlStalledTimePct: stalledPct === null ? null : Number(stalledPct.toFixed(3)),
      failures: all.playbackFailures + all.exitsBeforeVideoStart,
      startupP50Ms: all.startup.p50Ms,
      startupP95Ms: all.startup.p95Ms,
    };
  } finally {
    await harness.close();
  }
}

export async function benchPlayers(): Promise<{
  pass: boolean;
  supportedViewers: number;
  target: number;
  rows: PlayersRow[];
  note: string;
}> {
  const ns = (process.env.BENCH_PLAYERS_N ?? '8,16,24,32').split(',').map(Number);
  const seconds = Number(process.env.BENCH_PLAYERS_SECONDS ?? 60);
  const stack = await Stack.start({ seed: 'bench-players', manifestMonitorMs: 4000 });
  const rows: PlayersRow[] = [];
  try {
    for (const n of ns) {
      process.stdout.write(`  players: ${n} viewers...\n`);
      const row = await measure(stack, n, seconds);
      process.stdout.write(`  ${JSON.stringify(row)}\n`);
      rows.push(row);
    }
  } finally {
    await stack.close();
  }
  const ok = rows.filter((r) => r.controlStalls === 0 && r.failures === 0 && r.started === r.viewers);
  let supported = 0;
  for (const r of rows) {
    if (ok.includes(r)) supported = r.viewers;
    else break;
  }
  const target = 24;
  return {
    pass: supported >= target,
    supportedViewers: supported,
    target,
    rows,
    note: `whole stack + collector in this Node process, Chromium with 4 viewers per page; control cohort (no fault): any stall is CPU-caused; measured ${seconds}s per N after joins + 15 s settling`,
  };
}
