/**
 * VirtualStack honours the StackActuator contract with the real stack's inputs and errors, and
 * every change takes effect synchronously (a virtual-time timeline needs no await).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import type { StackActuator } from '../faults/actuator.ts';
import { FaultInputError } from '../faults/registry.ts';
import { TcpFaultError } from '../faults/tcp.ts';
import { resolveTopology } from '../origin-stub/topology.ts';
import { VirtualStack, virtualLinks } from './virtual-stack.ts';

const make = () => new VirtualStack(new VirtualClock(Date.UTC(2026, 10, 21)), resolveTopology({}));

describe('VirtualStack', () => {
  it('is a StackActuator', () => {
    const a: StackActuator = make();
    expect(typeof a.pullLever).toBe('function');
  });

  it('validates HTTP faults with the real schema and applies them at once', async () => {
    const s = make();
    const v = s.version;
    const p = s.addHttpFault({ type: 'http-status', status: 503, share: 0.5, match: { pop: 'fra' } });
    expect(s.httpFaults()).toHaveLength(1);
    expect(s.version).toBeGreaterThan(v);
    const id = await p;
    await expect(s.addHttpFault({ type: 'http-status', status: 200 } as never)).rejects.toBeInstanceOf(
      FaultInputError,
    );
    await s.removeHttpFault(id);
    expect(s.httpFaults()).toHaveLength(0);
  });

  it('selects TCP links by the real link labels, and refuses a match with no link', async () => {
    const s = make();
    await s.addTcpFault({
      id: 'lat',
      type: 'latency',
      match: { link: 'viewer-edge', isp: 'eu-cable' },
      attributes: { latency: 300 },
    });
    const f = s.tcpFaults()[0]!;
    // 2 CDNs x 3 EMEA POPs, eu-cable only.
    expect(f.links).toHaveLength(6);
    expect(f.links.every((l) => l.startsWith('viewer.') && l.endsWith('.eu-cable'))).toBe(true);
    await expect(s.addTcpFault({ type: 'down', match: { isp: 'nowhere' } })).rejects.toBeInstanceOf(
      TcpFaultError,
    );
    await expect(s.addTcpFault({ type: 'latency', id: 'lat' })).rejects.toThrow(/already exists/);
    await s.removeAllFaults();
    expect(s.tcpFaults()).toHaveLength(0);
    expect([...virtualLinks(s.topology).keys()]).toContain('shield.cdn-a.emea.backup');
  });

  it('pulls levers with recorded undo, deploys known-bad versions, sets flags', async () => {
    const s = make();
    const r = await s.pullLever('steer', { region: 'emea', cdn: 'cdn-b' });
    expect(r.summary).toMatch(/steered emea to cdn-b/);
    expect(r.undo).toEqual({ lever: 'steer', args: { region: 'emea', cdn: 'cdn-a' } });
    expect(s.steering.priority('emea')[0]).toBe('cdn-b');

    await s.deploy('packager', '3.5.1');
    expect(s.httpFaults().map((f) => f.id)).toContain('deploy:packager');
    // A bad deploy's defect survives removeAllFaults; rolling back removes it.
    await s.removeAllFaults();
    expect(s.httpFaults().map((f) => f.id)).toContain('deploy:packager');
    await s.pullLever('rollback', { component: 'packager' });
    expect(s.httpFaults()).toHaveLength(0);

    const f = await s.pullLever('failover', { to: 'backup' });
    expect(f.undo.args).toEqual({ to: 'primary' });
    expect(s.origin).toBe('backup');

    await s.setFlag('ad-pod', true, ['tv']);
    expect(s.flags.adPod).toMatchObject({ enabled: true, brokenFor: ['tv'] });
    const d = await s.pullLever('disable-flag', { flag: 'ad-pod' });
    expect(d.undo.lever).toBe('enable-flag');
    expect(s.flags.adPod.enabled).toBe(false);
    await expect(s.pullLever('reboot', {})).rejects.toThrow(/unknown lever/);
  });
});
