import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { MemoryJournal } from '../core/journal.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { compileStep, type LoadedScenario } from '../scenarios/load.ts';
import { ScenarioSchema } from '../scenarios/schema.ts';
import { VirtualStack } from '../simulator/virtual-stack.ts';
import { FakeActuator } from '../test/support/fake-actuator.ts';
import { Timeline } from './timeline.ts';

function scenario(timeline: unknown[], duration = '10m'): LoadedScenario {
  const s = ScenarioSchema.parse({
    title: 't',
    duration,
    population: { viewers: 1000, regions: { emea: 1 } },
    timeline,
  });
  return {
    name: 't',
    file: 't.yaml',
    scenario: s,
    faults: s.timeline.map((st) => ('fault' in st ? compileStep(st) : undefined)),
  };
}

async function drive(clock: VirtualClock, tl: Timeline, untilMs: number) {
  for (let t = clock.now(); t <= untilMs; t += 1000) {
    clock.advanceTo(t);
    await tl.settled();
  }
}

describe('timeline engine', () => {
  it('applies, times out and removes faults in order, and journals each change', async () => {
    const clock = new VirtualClock(0);
    const fake = new FakeActuator(() => clock.now());
    const journal = new MemoryJournal();
    const tl = new Timeline(
      scenario([
        {
          at: '10s',
          id: 'fra-503',
          fault: 'http-status',
          target: { pop: 'fra' },
          params: { status: 503, share: 0.5 },
          duration: '30s',
        },
        {
          at: '20s',
          id: 'slow-isp',
          fault: 'latency',
          target: { isp: 'eu-cable' },
          params: { latency: 200 },
        },
        { at: '1m', remove: 'slow-isp' },
      ]),
      clock,
      fake,
      journal,
      0,
    );
    tl.start();
    await drive(clock, tl, 70_000);
    expect(fake.calls).toEqual([
      '10000 +http fra-503 {"type":"http-status","status":503,"share":0.5}',
      '20000 +tcp slow-isp latency',
      '40000 -http fra-503',
      '60000 -tcp slow-isp',
    ]);
    expect(
      journal.events.map((e) => [
        e.t,
        e.type,
        'step' in e ? e.step : undefined,
        e.type === 'fault.removed' ? e.reason : undefined,
      ]),
    ).toEqual([
      [10000, 'fault.applied', 'fra-503', undefined],
      [20000, 'fault.applied', 'slow-isp', undefined],
      [40000, 'fault.removed', 'fra-503', 'duration'],
      [60000, 'fault.removed', 'slow-isp', 'step'],
    ]);
  });

  it('ramps a share, and stop() removes whatever is still in force', async () => {
    const clock = new VirtualClock(0);
    const fake = new FakeActuator(() => clock.now());
    const journal = new MemoryJournal();
    const tl = new Timeline(
      scenario([
        {
          at: 0,
          id: 'miss',
          fault: 'cache-force-miss',
          target: { cdn: 'cdn-a' },
          params: { share: 1 },
          ramp: { from: 0, over: '20s' },
        },
        { at: '5s', fault: 'flag', params: { flag: 'ad-pod', enabled: true, brokenFor: ['tv'] } },
      ]),
      clock,
      fake,
      journal,
      0,
    );
    tl.start();
    await drive(clock, tl, 30_000);
    const shares = journal.events.flatMap((e) =>
      (e.type === 'fault.applied' || e.type === 'fault.updated') && e.step === 'miss' ? [e.params.share] : [],
    );
    expect(shares).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(tl.active().sort()).toEqual(['miss', 'step-1']);
    await tl.stop('interrupt');
    expect(tl.active()).toEqual([]);
    expect(fake.http.size).toBe(0);
    expect(fake.calls.at(-1)).toBe('30000 flag ad-pod false');
    expect(journal.events.filter((e) => e.type === 'fault.removed').map((e) => e.reason)).toEqual([
      'interrupt',
      'interrupt',
    ]);
  });

  it('ramps the parameter it names: a delay from 100 ms, a latency attribute; share is left alone', async () => {
    const clock = new VirtualClock(0);
    const fake = new FakeActuator(() => clock.now());
    const journal = new MemoryJournal();
    const tl = new Timeline(
      scenario([
        {
          at: 0,
          id: 'slow',
          fault: 'http-delay',
          target: { component: 'edge' },
          params: { delayMs: 6000, share: 0.1 },
          ramp: { param: 'delayMs', from: 100, over: '20s' },
        },
        {
          at: 0,
          id: 'lag',
          fault: 'latency',
          target: { isp: 'eu-cable' },
          params: { latency: 300 },
          ramp: { param: 'latency', from: 0, over: '10s' },
        },
      ]),
      clock,
      fake,
      journal,
      0,
    );
    tl.start();
    await drive(clock, tl, 25_000);
    const delays = fake.calls
      .filter((c) => c.includes('+http slow'))
      .map((c) => JSON.parse(c.split(' ').slice(3).join(' ')));
    expect(delays.map((d) => d.delayMs)).toEqual([100, 1575, 3050, 4525, 6000]);
    expect(delays.every((d) => d.share === 0.1)).toBe(true);
    expect([...fake.tcp.values()][0]?.attributes).toEqual({ latency: 300 });
    const lag = journal.events
      .flatMap((e) => (e.type === 'fault.applied' || e.type === 'fault.updated' ? [e] : []))
      .filter((e) => e.step === 'lag')
      .map((e) => (e.params as { latency: number }).latency);
    expect(lag).toEqual([0, 150, 300]);
    await tl.stop('end');
  });

  it('a ramped delay is applied by the stack from its first value (issue 16: it was refused, share 100)', async () => {
    const clock = new VirtualClock(0);
    const stack = new VirtualStack(clock, resolveTopology({}));
    const errors: Error[] = [];
    const tl = new Timeline(
      scenario([
        {
          at: 0,
          id: 'slow',
          fault: 'http-delay',
          target: { component: 'edge', kind: 'segment' },
          params: { delayMs: 6000, share: 0.1 },
          ramp: { param: 'delayMs', from: 100, over: '20s' },
        },
      ]),
      clock,
      stack,
      new MemoryJournal(),
      0,
      (err) => errors.push(err),
    );
    tl.start();
    await drive(clock, tl, 0);
    expect(errors).toEqual([]);
    expect(
      stack.httpFaults().map((f) => [f.type, 'delayMs' in f ? f.delayMs : 0, 'share' in f ? f.share : 0]),
    ).toEqual([['http-delay', 100, 0.1]]);
    await drive(clock, tl, 20_000);
    expect(stack.httpFaults().map((f) => ('delayMs' in f ? f.delayMs : 0))).toEqual([6000]);
    await tl.stop('end');
  });
});
