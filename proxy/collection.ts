/** Every proxy the server knows, by name (Toxiproxy's ProxyCollection). */
import { ApiError, Errors } from './errors.ts';
import { ProxyInstance } from './proxy.ts';

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class ProxyCollection {
  readonly proxies = new Map<string, ProxyInstance>();

  constructor(private readonly seed: string) {}

  get(name: string): ProxyInstance {
    const p = this.proxies.get(name);
    if (!p) throw Errors.proxyNotFound();
    return p;
  }

  async add(input: ProxyInput): Promise<ProxyInstance> {
    if (this.proxies.has(input.name)) throw Errors.proxyAlreadyExists();
    const invalid = ProxyInstance.validateAddresses(input.listen, input.upstream);
    if (invalid) throw invalid;
    const proxy = new ProxyInstance(input.name, input.listen, input.upstream, this.seed);
    if (input.enabled) await proxy.start(); // a failed listen leaves nothing behind
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Creates or replaces many proxies at once. Idempotent: a proxy whose listen and upstream are
   * unchanged is kept as it is (with its toxics and connections). Everything is validated first,
   * so a bad entry changes nothing.
   */
  async populate(inputs: unknown): Promise<ProxyInstance[]> {
    if (!Array.isArray(inputs)) {
      throw Errors.badRequestBody('expected a JSON array of proxies');
    }
    const seen = new Set<string>();
    const checked: ProxyInput[] = [];
    inputs.forEach((raw: unknown, i: number) => {
      const at = `proxy ${i + 1}`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw Errors.badRequestBody(`${at} must be an object`);
      }
      const input = readProxyInput(raw as Record<string, unknown>, at);
      if (seen.has(input.name)) throw new ApiError(`duplicate proxy name ${JSON.stringify(input.name)}`, 400);
      seen.add(input.name);
      if (input.enabled) {
        const invalid = ProxyInstance.validateAddresses(input.listen, input.upstream);
        if (invalid) throw invalid;
      }
      checked.push(input);
    });
    const result: ProxyInstance[] = [];
    for (const input of checked) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
        result.push(existing);
        continue;
      }
      if (existing) await this.remove(input.name);
      result.push(await this.add(input));
    }
    return result;
  }

  /** Re-enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    for (const p of this.proxies.values()) {
      await p.start();
      p.resetToxics();
    }
  }

  async clear(): Promise<void> {
    for (const name of [...this.proxies.keys()]) await this.remove(name);
  }
}

/** Reads and type-checks a proxy body; `at` names the entry in error messages ("proxy 2"). */
export function readProxyInput(body: Record<string, unknown>, at?: string): ProxyInput {
  const suffix = at ? ` at ${at}` : '';
  for (const field of ['name', 'listen', 'upstream'] as const) {
    const v = body[field];
    if (v !== undefined && typeof v !== 'string') {
      throw Errors.badRequestBody(`${field}${suffix} must be a string, got ${typeof v}`);
    }
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
    throw Errors.badRequestBody(`enabled${suffix} must be a boolean, got ${typeof body.enabled}`);
  }
  const name = (body.name as string | undefined) ?? '';
  const upstream = (body.upstream as string | undefined) ?? '';
  if (name.length < 1) throw Errors.missingField(`name${suffix}`);
  if (upstream.length < 1) throw Errors.missingField(`upstream${suffix}`);
  return {
    name,
    upstream,
    // streamdrill binds loopback unless told otherwise.
    listen: (body.listen as string | undefined) || '127.0.0.1:0',
    enabled: (body.enabled as boolean | undefined) ?? true,
  };
}
