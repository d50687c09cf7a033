/** `latency`: the latency toxic (ms, ± jitter) on every selected link. */
import { delayMs } from '../params.ts';
import { defineToxicFault } from './define.ts';

export const latency = defineToxicFault({
  type: 'latency',
  description: 'adds latency ms (± jitter ms) to the data on every selected link',
  modelled:
    'a request waits the latency once (toxics pipeline); toxicity is drawn per connection, the model adds the mean',
  bounds: { latency: delayMs(), jitter: delayMs() },
  link(f, link) {
    const a = f.attributes;
    link.latency((a.latency ?? 0) * f.toxicity, (a.jitter ?? 0) * f.toxicity);
  },
});
