/** `bandwidth`: the bandwidth toxic (rate in KB/s, Toxiproxy's 1000 bytes) on every selected link. */
import { z } from 'zod';
import { defineToxicFault } from './define.ts';

export const bandwidth = defineToxicFault({
  type: 'bandwidth',
  description: 'caps the throughput of every selected link at rate KB/s',
  modelled: "downstream: the request's throughput is capped at the rate (upstream carries only requests)",
  bounds: { rate: z.number().int().min(0).max(100_000_000) },
  link(f, link) {
    if (f.stream === 'downstream' && f.toxicity > 0) link.capBps((f.attributes.rate ?? 0) * 8000 || 1);
  },
});
