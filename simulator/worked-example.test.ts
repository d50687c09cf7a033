/**
 * The flagship calibration target: the playbook's worked example must come out of the model with
 * its faults (docs/simulator.md, "Calibration"). 800,000 viewers, 10,000 model sessions, 51 minutes
 * of virtual time; figures are minute averages of the share of current viewers rebuffering.
 */
import { describe, expect, it } from 'vitest';
import { type MinuteFigures, QoeProbe } from './measure.ts';
import { runVirtual } from './run.ts';
import {
  WORKED_EXAMPLE_END,
  WORKED_EXAMPLE_FAULT,
  WORKED_EXAMPLE_POPULATION,
  WORKED_EXAMPLE_START,
  WORKED_EXAMPLE_STEER,
  WORKED_EXAMPLE_TOPOLOGY,
  workedExampleActions,
} from './worked-example.ts';

const minuteOf = (t: number) => (t - WORKED_EXAMPLE_START) / 60_000;
const avg = (ms: MinuteFigures[], from: number, to: number, f: (m: MinuteFigures) => number) =>
  ms.slice(from, to).reduce((a, m) => a + f(m), 0) / (to - from);

describe('the worked example (the 14-minute SEV1)', () => {
  it('EMEA crosses 5 % minutes after the fault, climbs ~1 point a minute, recovers to ~1.1 % after steering', async () => {
    const probe = new QoeProbe(WORKED_EXAMPLE_START);
    await runVirtual({
      seed: 'worked-example',
      startMs: WORKED_EXAMPLE_START,
      durationMs: WORKED_EXAMPLE_END - WORKED_EXAMPLE_START,
      population: WORKED_EXAMPLE_POPULATION,
      topology: WORKED_EXAMPLE_TOPOLOGY,
      actions: workedExampleActions(),
      sink: probe.sink,
    });
    const emea = probe.minutes('emea');
    const na = probe.minutes('na');
    const fault = minuteOf(WORKED_EXAMPLE_FAULT);
    const steer = minuteOf(WORKED_EXAMPLE_STEER);
    const rebuf = (m: MinuteFigures) => m.rebufferPct;

    // Before the fault: both regions at the 0.7 % baseline.
    expect(avg(emea, 1, fault, rebuf)).toBeGreaterThan(0.45);
    expect(avg(emea, 1, fault, rebuf)).toBeLessThan(1.05);
    expect(avg(na, 1, fault, rebuf)).toBeLessThan(1.05);

    // EMEA crosses 5 % a few minutes after the shield misconfiguration starts rolling out...
    const cross = emea.findIndex((m, i) => i > fault && m.rebufferPct >= 5);
    expect(cross - fault).toBeGreaterThanOrEqual(4);
    expect(cross - fault).toBeLessThanOrEqual(9);
    // ... and keeps climbing about a point a minute (the article: 5.2 % then 6.8 % two minutes later).
    expect(emea[cross]!.rebufferPct).toBeLessThan(8);
    expect(emea[cross + 2]!.rebufferPct).toBeGreaterThan(5.5);
    expect(emea[cross + 2]!.rebufferPct).toBeLessThan(9.5);
    const before = Math.min(steer - 1, cross + 5);
    const slope = (emea[before]!.rebufferPct - emea[cross]!.rebufferPct) / (before - cross);
    expect(slope).toBeGreaterThan(0.4);
    expect(slope).toBeLessThan(2);

    // North America stays at baseline; video start failures stay flat everywhere.
    expect(Math.max(...na.slice(fault, steer).map(rebuf))).toBeLessThan(1.3);
    expect(avg(na, fault, steer, rebuf)).toBeLessThan(1);
    expect(Math.max(...emea.slice(1, emea.length - 1).map((m) => m.vsfPct))).toBeLessThan(0.5);
    expect(Math.max(...na.slice(1, na.length - 1).map((m) => m.vsfPct))).toBeLessThan(0.5);

    // Steered to cdn-b (TTL 60 s): back to ~1.1 % within about five minutes, and it stays there.
    expect(emea[steer + 5]!.rebufferPct).toBeLessThan(1.6);
    const after = avg(emea, steer + 5, emea.length - 1, rebuf);
    expect(after).toBeGreaterThan(0.8);
    expect(after).toBeLessThan(1.45);
    expect(Math.max(...emea.slice(steer + 5, emea.length - 1).map(rebuf))).toBeLessThan(1.8);
  });
});
