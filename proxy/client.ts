/**
 * FaultProxy: how the rest of streamdrill drives TCP faults. It talks to a Toxiproxy API through
 * `toxiproxy-node-client`, either to the embedded server (started in-process, the default) or to a
 * real Toxiproxy given by `TOXIPROXY_URL`; both behave the same.
 */
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { ToxiproxyServer } from './server.ts';

export type ToxicType =
  | 'latency'
  | 'bandwidth'
  | 'slow_close'
  | 'timeout'
  | 'reset_peer'
  | 'slicer'
  | 'limit_data';
export type Stream = 'upstream' | 'downstream';

export interface ToxicSettings {
  type: ToxicType;
  name?: string;
  stream?: Stream;
  toxicity?: number;
  attributes?: Record<string, number>;
}

export interface ProxySettings {
  name: string;
  upstream: string;
  /** Defaults to an ephemeral loopback port. */
  listen?: string;
  enabled?: boolean;
}

export interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Required<ToxicSettings>[];
}

export class FaultProxyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FaultProxyError';
  }
}

export interface FaultProxyOptions {
  /** A Toxiproxy API URL; defaults to the TOXIPROXY_URL environment variable, else embedded. */
  url?: string;
  seed?: string | number;
}

export class FaultProxy {
  private constructor(
    readonly url: string,
    private readonly client: Toxiproxy,
    private readonly embedded: ToxiproxyServer | undefined,
  ) {}

  static async connect(options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const url = options.url ?? process.env.TOXIPROXY_URL;
    if (url) {
      const fp = new FaultProxy(url.replace(/\/+$/, ''), new Toxiproxy(url.replace(/\/+$/, '')), undefined);
      await fp.call(`reaching Toxiproxy at ${url}`, () => fp.client.getVersion());
      return fp;
    }
    const server = await ToxiproxyServer.start({ host: '127.0.0.1', port: 0, seed: options.seed });
    return new FaultProxy(server.url, new Toxiproxy(server.url), server);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async version(): Promise<string> {
    const text = await this.call('reading the version', () => this.client.getVersion());
    return (JSON.parse(text) as { version: string }).version;
  }

  /** Creates the proxies, or keeps those already there with the same listen and upstream. */
  async ensureProxies(proxies: ProxySettings[]): Promise<ProxyState[]> {
    const body = proxies.map((p) => ({
      name: p.name,
      upstream: p.upstream,
      listen: p.listen ?? '127.0.0.1:0',
      enabled: p.enabled ?? true,
    }));
    await this.call('creating proxies', () => this.client.populate(body));
    return Promise.all(proxies.map((p) => this.proxy(p.name)));
  }

  async proxy(name: string): Promise<ProxyState> {
    const res = await this.call(`reading proxy ${name}`, () =>
      this.client.getApi().get(`${this.url}/proxies/${enc(name)}`),
    );
    return res.data as ProxyState;
  }

  async proxies(): Promise<ProxyState[]> {
    const all = await this.call('listing proxies', () => this.client.getAll());
    return Promise.all(Object.keys(all).map((name) => this.proxy(name)));
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = await this.call(`reading proxy ${name}`, () => this.client.get(name));
    await this.call(`${enabled ? 'enabling' : 'disabling'} proxy ${name}`, () =>
      proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream }),
    );
  }

  async addToxic(proxyName: string, toxic: ToxicSettings): Promise<Required<ToxicSettings>> {
    const stream = toxic.stream ?? 'downstream';
    const body = {
      name: toxic.name ?? `${toxic.type}_${stream}`,
      type: toxic.type,
      stream,
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes ?? {},
    };
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(proxyName));
    const created = await this.call(`adding toxic ${body.name} to proxy ${proxyName}`, () =>
      proxy.addToxic(body as never),
    );
    return created.toJson() as Required<ToxicSettings>;
  }

  async updateToxic(
    proxyName: string,
    toxicName: string,
    change: { toxicity?: number; attributes?: Record<string, number> },
  ): Promise<void> {
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(proxyName));
    const toxic = await this.call(`reading toxic ${toxicName}`, () => proxy.getToxic(toxicName));
    await this.call(`updating toxic ${toxicName} on proxy ${proxyName}`, () => toxic.update(change as never));
  }

  async removeToxic(proxyName: string, toxicName: string): Promise<void> {
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(proxyName));
    const toxic = await this.call(`reading toxic ${toxicName}`, () => proxy.getToxic(toxicName));
    await this.call(`removing toxic ${toxicName} from proxy ${proxyName}`, () => toxic.remove());
  }

  async removeProxy(name: string): Promise<void> {
    const proxy = await this.call(`reading proxy ${name}`, () => this.client.get(name));
    await this.call(`removing proxy ${name}`, () => proxy.remove());
  }

  /** Re-enables every proxy and removes every toxic: how a drill rolls every TCP fault back. */
  async reset(): Promise<void> {
    await this.call('resetting Toxiproxy', () => this.client.reset());
  }

  /** Stops the embedded server; a remote Toxiproxy is reset but left running. */
  async close(): Promise<void> {
    if (this.embedded) await this.embedded.close();
    else await this.reset();
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ToxiproxyError) {
        const status = Number(/status code (\d+)/.exec(err.message)?.[1]) || undefined;
        const meaning = status ? (STATUS_MEANING[status] ?? 'failed') : err.message;
        throw new FaultProxyError(
          `Toxiproxy at ${this.url}: ${what}: ${meaning}${status ? ` (HTTP ${status})` : ''}`,
          status,
        );
      }
      throw err;
    }
  }
}

const STATUS_MEANING: Record<number, string> = {
  400: 'the request was rejected as invalid',
  403: 'the request was refused',
  404: 'not found',
  409: 'it already exists',
  500: 'the server failed (for a listen address: it may be in use)',
};

function enc(name: string): string {
  return encodeURIComponent(name);
}
