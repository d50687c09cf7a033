/** `down`: the selected links refuse connections (their fault-proxy listeners disabled). */
import { z } from 'zod';
import type { TcpFaultModule } from '../fault.ts';
import { unknownKeyError } from '../params.ts';
import { tcpSchema } from './define.ts';

export const down = {
  type: 'down' as const,
  description: 'the selected links refuse connections',
  modelled: 'requests over the link fail at once (network error; a POP answers 502 for its parent)',
  layer: 'tcp' as const,
  schema: tcpSchema(
    'down',
    z.strictObject({}, { error: unknownKeyError('down attributes', []) }).default({}),
  ),
  attributes: [],
  rampable: {},
  async apply(_f, link, proxy) {
    await proxy.setEnabled(link, false);
  },
  async undo(_f, link, proxy) {
    await proxy.setEnabled(link, true);
  },
  link(_f, link) {
    link.down();
  },
} satisfies TcpFaultModule;
