/** Request facts from a stack URL path: `[/d/<deviceClass>]/live/<channel>/<variant>/[<rendition>/]<file>`. */

import type { RequestFacts } from '../../faults/types.ts';
import { parseRequestTarget } from '../cdn/request-facts.ts';

export type PathFacts = Pick<RequestFacts, 'channel' | 'variant' | 'rendition' | 'kind' | 'deviceClass'>;

export function factsFromPath(target: string): PathFacts {
  const parsed = parseRequestTarget(target);
  if (!parsed.ok) return {};
  const { channel, variant, rendition, kind, deviceClass } = parsed.request;
  const facts: PathFacts = {};
  if (channel !== undefined) facts.channel = channel;
  if (variant !== undefined) facts.variant = variant;
  if (rendition !== undefined) facts.rendition = rendition;
  if (kind !== undefined) facts.kind = kind;
  if (deviceClass !== undefined) facts.deviceClass = deviceClass;
  return facts;
}
