import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AlertTransition } from './evaluator.ts';
import { parseWebhook, WebhookNotifier } from './notify.ts';

const firing: AlertTransition = {
  rule: 'RebufferPage',
  action: 'page',
  state: 'firing',
  labels: { region: 'emea' },
  value: 0.052,
  activeSince: Date.UTC(2026, 10, 21, 19, 42),
  at: Date.UTC(2026, 10, 21, 19, 43),
  summary: 'More than 5% of current viewers are rebuffering',
};

describe('alert webhooks', () => {
  it('delivers Alertmanager and PagerDuty Events v2 payloads for firing and resolved alerts', async () => {
    const received: { path: string; body: Record<string, unknown> }[] = [];
    const server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const n = new WebhookNotifier([
      parseWebhook(`alertmanager:${base}/am`)!,
      parseWebhook(`pagerduty:${base}/pd#KEY123`)!,
    ]);
    n.notify({ ...firing, state: 'pending' });
    n.notify(firing);
    n.notify({ ...firing, state: 'resolved', at: firing.at + 600_000 });
    await n.flush();
    server.close();
    expect(n.failures).toEqual([]);
    const am = received.filter((r) => r.path === '/am').map((r) => r.body);
    const pd = received.filter((r) => r.path === '/pd').map((r) => r.body);
    expect(am).toHaveLength(2);
    expect(am[0]).toMatchObject({
      version: '4',
      status: 'firing',
      alerts: [
        {
          labels: { alertname: 'RebufferPage', region: 'emea', action: 'page' },
          startsAt: '2026-11-21T19:42:00.000Z',
        },
      ],
    });
    expect(am[1]).toMatchObject({ status: 'resolved', alerts: [{ endsAt: '2026-11-21T19:53:00.000Z' }] });
    expect(pd[0]).toMatchObject({
      routing_key: 'KEY123',
      event_action: 'trigger',
      payload: { severity: 'critical', source: 'streamdrill', component: 'emea' },
    });
    expect(pd[1]).toMatchObject({
      event_action: 'resolve',
      dedup_key: (pd[0] as { dedup_key: string }).dedup_key,
    });
  });

  it('reports an unreachable target without throwing', async () => {
    const n = new WebhookNotifier([{ format: 'pagerduty', url: 'http://127.0.0.1:9/x' }]);
    n.notify(firing);
    await n.flush();
    expect(n.failures[0]).toMatch(/^http:\/\/127\.0\.0\.1:9\/x: /);
    expect(parseWebhook('slack:http://x')).toBeUndefined();
  });
});
