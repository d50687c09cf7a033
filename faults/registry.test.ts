/**
 * The registry of HTTP faults in force: it asks each matching fault's module, and given the stack's
 * targets it refuses what would silently hit nothing (issue 16: `pop: xyz` and `cdn: cdn-zzz` were
 * accepted and made the drill vacuous).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { TARGETS } from '../test/support/faults.ts';
import { FaultInputError, FaultRegistry } from './registry.ts';

const registry = () => new FaultRegistry(new VirtualClock(0), 'r', TARGETS);

function issues(input: unknown): { path: string; message: string }[] {
  try {
    registry().add(input);
  } catch (err) {
    if (err instanceof FaultInputError) return err.issues;
    throw err;
  }
  throw new Error('accepted');
}

describe('FaultRegistry against the stack’s targets', () => {
  it('refuses a POP or a CDN the stack does not have, naming those it has', () => {
    expect(issues({ type: 'http-status', status: 503, match: { pop: 'xyz' } })).toEqual([
      {
        path: 'match.pop',
        message: "unknown pop 'xyz' (POPs: fra, ams, par, iad, sjc, shield-emea, shield-na)",
      },
    ]);
    expect(issues({ type: 'http-status', status: 503, match: { cdn: 'cdn-zzz' } })).toEqual([
      { path: 'match.cdn', message: "unknown cdn 'cdn-zzz' (CDNs: cdn-a, cdn-b)" },
    ]);
    expect(issues({ type: 'cache-force-miss', match: { pop: ['fra', 'frx'] } })).toEqual([
      {
        path: 'match.pop.1',
        message: "unknown pop 'frx' (POPs: fra, ams, par, iad, sjc, shield-emea, shield-na)",
      },
    ]);
    expect(issues({ type: 'http-delay', delayMs: 100, match: { channel: 'movies' } })[0]?.message).toBe(
      "unknown channel 'movies' (channels: news, sport)",
    );
  });

  it('refuses a match no request of the stack carries', () => {
    expect(
      issues({ type: 'http-status', status: 503, match: { component: 'licence', cdn: 'cdn-a' } }),
    ).toEqual([
      {
        path: 'match',
        message:
          'matches nothing http-status acts on: it acts on origin, backup-origin, shield, edge, licence, steering, entry requests',
      },
    ]);
    expect(
      issues({ type: 'http-status', status: 503, match: { component: 'edge', pop: 'shield-emea' } })[0]?.path,
    ).toBe('match');
  });

  it('without targets (a bare registry) only the schema is checked', () => {
    const reg = new FaultRegistry(new VirtualClock(0));
    expect(reg.add({ type: 'http-status', status: 503, match: { pop: 'xyz' } }).id).toBe('http-status-1');
  });

  it('asks each matching fault’s module, in the order they were added', () => {
    const reg = registry();
    reg.add({ id: 'cc', type: 'cache-control-malformed', value: 'x' });
    reg.add({ id: 'ct', type: 'content-type-wrong', contentType: 'text/html', match: { kind: 'segment' } });
    reg.add({ id: 'gap', type: 'segment-gap' });
    expect(reg.decide({ component: 'edge', kind: 'segment' })).toEqual({
      headers: { 'cache-control': 'x', 'content-type': 'text/html' },
      faultIds: ['cc', 'ct'],
    });
    expect(reg.channelState('news', 'clear')?.isGap?.(5)).toBe(true);
  });
});
