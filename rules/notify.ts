/**
 * Delivers alert transitions as webhooks in the two shapes on-call tooling speaks: Alertmanager's
 * webhook payload (v4) and PagerDuty Events API v2. Deliveries are fire-and-forget with a timeout;
 * failures are reported, never thrown into the run.
 */
import type { AlertTransition } from './evaluator.ts';

export type WebhookFormat = 'alertmanager' | 'pagerduty';

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  /** PagerDuty routing key (integration key). */
  routingKey?: string;
}

const labelSet = (t: AlertTransition) => ({ alertname: t.rule, action: t.action, ...t.labels });

export function alertmanagerPayload(
  t: AlertTransition,
  generatorURL = 'streamdrill://run',
): Record<string, unknown> {
  const resolved = t.state === 'resolved';
  const labels = labelSet(t);
  return {
    version: '4',
    groupKey: `{}:{alertname="${t.rule}"}`,
    status: resolved ? 'resolved' : 'firing',
    receiver: 'streamdrill',
    groupLabels: { alertname: t.rule },
    commonLabels: labels,
    commonAnnotations: { summary: t.summary },
    externalURL: generatorURL,
    alerts: [
      {
        status: resolved ? 'resolved' : 'firing',
        labels,
        annotations: { summary: t.summary, value: t.value === null ? '' : String(t.value) },
        startsAt: new Date(t.activeSince).toISOString(),
        endsAt: resolved ? new Date(t.at).toISOString() : '0001-01-01T00:00:00Z',
        generatorURL,
        fingerprint: fingerprint(labels),
      },
    ],
  };
}

export function pagerdutyPayload(t: AlertTransition, routingKey = ''): Record<string, unknown> {
  return {
    routing_key: routingKey,
    event_action: t.state === 'resolved' ? 'resolve' : 'trigger',
    dedup_key: fingerprint(labelSet(t)),
    payload: {
      summary: t.summary,
      source: 'streamdrill',
      severity: t.action === 'page' ? 'critical' : t.action === 'investigate' ? 'warning' : 'info',
      timestamp: new Date(t.at).toISOString(),
      component: t.labels.region ?? 'global',
      group: t.rule,
      class: t.action,
      custom_details: {
        labels: t.labels,
        value: t.value,
        activeSince: new Date(t.activeSince).toISOString(),
      },
    },
  };
}

/** A stable hex fingerprint of a label set (FNV-1a), like Alertmanager's. */
function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export class WebhookNotifier {
  readonly failures: string[] = [];
  private pending = new Set<Promise<void>>();

  constructor(private readonly targets: WebhookTarget[]) {}

  /** Sends firing and resolved transitions (pending ones are not news to a pager). */
  notify(t: AlertTransition): void {
    if (t.state === 'pending') return;
    for (const target of this.targets) {
      const payload =
        target.format === 'alertmanager' ? alertmanagerPayload(t) : pagerdutyPayload(t, target.routingKey);
      const p = fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(5000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (!res.ok) this.failures.push(`${target.url}: HTTP ${res.status}`);
        })
        .catch((err: Error) => {
          this.failures.push(`${target.url}: ${err.message}`);
        })
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Waits for deliveries in flight (at the end of a run). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

/** `alertmanager:http://host/path` or `pagerduty:http://host/path[#routingKey]` → target. */
export function parseWebhook(spec: string): WebhookTarget | undefined {
  const m = /^(alertmanager|pagerduty):(https?:\/\/[^#\s]+)(?:#(.+))?$/.exec(spec);
  if (!m) return undefined;
  return { format: m[1] as WebhookFormat, url: m[2]!, ...(m[3] ? { routingKey: m[3] } : {}) };
}
