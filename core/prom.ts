/**
 * Prometheus metrics read from plain counters at scrape time (prom-client `collect`), so hot paths
 * only bump numbers and never touch a label lookup. Counters only go up in prom-client, so each
 * collector remembers what it exported and adds the difference.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type Sample = [labels: Record<string, string>, value: number];

export function counterFrom(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Sample[],
): void {
  const exported = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels);
        const last = exported.get(key) ?? 0;
        if (value > last) this.inc(labels, value - last);
        exported.set(key, Math.max(last, value));
      }
    },
  });
}

export function gaugeFrom(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Sample[],
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}
