/**
 * FaultProxy: how the rest of streamdrill drives TCP faults. It talks to a Toxiproxy API through
 * `toxiproxy-node-client`, either to the embedded server (started in-process, the default) or to a
 * real Toxiproxy given by `TOXIPROXY_URL`; both behave the same.
 *
 * A Toxiproxy given by URL may be shared with other teams and tools, so there streamdrill touches
 * only what it made: its proxies carry a namespace (`streamdrill.<instance>.<link>`), and it keeps
 * the list of proxies it created, toxics it added and proxies it disabled. `release()` (and
 * `close()`) undo exactly those — never Toxiproxy's `/reset`, which would wipe everyone's toxics and
 * re-enable proxies others disabled on purpose. `onOwnedChange` lets a caller keep that list where a
 * watchdog or `streamdrill stack clean` finds it if this process is killed.
 */
import { hostname } from 'node:os';
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { type OwnedObjects, releaseOwned } from '../core/cleanup.mjs';
import { unwatch, watch } from '../core/watchdog.ts';
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
  /** Port of the embedded server's API (default: any free port). */
  apiPort?: number;
  /** Sent as a bearer token (a streamdrill Toxiproxy exposed beyond loopback); default TOXIPROXY_TOKEN. */
  token?: string;
  /**
   * Prefix of the proxies this client creates on a Toxiproxy given by URL (default
   * `streamdrill.<host>-<pid>.`, see {@link ownerOfNamespace}); the embedded server is ours alone
   * and gets none.
   */
  namespace?: string;
}

export type { OwnedObjects };

/** The namespace prefix of every proxy any streamdrill made on a shared Toxiproxy. */
export const NAMESPACE_ROOT = 'streamdrill.';

const hostTag = () =>
  hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40) || 'host';

/** This process's namespace on a shared Toxiproxy: which machine and process made a proxy. */
export function defaultNamespace(pid = process.pid): string {
  return `${NAMESPACE_ROOT}${hostTag()}-${pid}.`;
}

/**
 * Who made a proxy on a shared Toxiproxy, from its name: the namespace, and the process id when it
 * was made on this machine (so `stack clean` can tell a dead owner from a live one).
 */
export function ownerOfNamespace(proxyName: string): { namespace: string; localPid?: number } | undefined {
  const m = /^streamdrill\.([a-z0-9-]+)-(\d+)\./.exec(proxyName);
  if (!m) return proxyName.startsWith(NAMESPACE_ROOT) ? { namespace: NAMESPACE_ROOT } : undefined;
  const namespace = `${NAMESPACE_ROOT}${m[1]}-${m[2]}.`;
  return m[1] === hostTag() ? { namespace, localPid: Number(m[2]) } : { namespace };
}

export class FaultProxy {
  private readonly createdProxies = new Set<string>();
  private readonly addedToxics = new Map<string, [string, string]>();
  private readonly disabledProxies = new Set<string>();
  private readonly ownedListeners = new Set<(o: OwnedObjects) => void>();

  private constructor(
    readonly url: string,
    private readonly client: Toxiproxy,
    private readonly embedded: ToxiproxyServer | undefined,
    /** Prefix of the proxies we create (empty on the embedded server). */
    readonly namespace: string,
    private readonly token: string | undefined,
  ) {}

  static async connect(options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const url = options.url ?? process.env.TOXIPROXY_URL;
    const token = options.token ?? process.env.TOXIPROXY_TOKEN;
    if (url) {
      const base = url.replace(/\/+$/, '');
      const client = new Toxiproxy(base);
      if (token) withBearer(client, token);
      const ns = options.namespace ?? defaultNamespace();
      const fp = new FaultProxy(base, client, undefined, ns, token);
      await fp.call(`reaching Toxiproxy at ${url}`, () => fp.client.getVersion());
      // If this process is killed, the watchdog undoes what it made there.
      fp.onOwnedChange((owned) => watch(`toxiproxy:${base}:${ns}`, [{ kind: 'toxiproxy', owned }]));
      return fp;
    }
    const server = await ToxiproxyServer.start({
      host: '127.0.0.1',
      port: options.apiPort ?? 0,
      seed: options.seed,
    });
    return new FaultProxy(server.url, new Toxiproxy(server.url), server, '', undefined);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** Toxiproxy's name for one of our proxies. */
  private ext(name: string): string {
    return `${this.namespace}${name}`;
  }

  /** Our name for a Toxiproxy proxy (undefined when it is not ours). */
  private local(name: string): string | undefined {
    if (!this.namespace) return name;
    return name.startsWith(this.namespace) ? name.slice(this.namespace.length) : undefined;
  }

  /** Everything this client made and has not undone yet. */
  owned(): OwnedObjects {
    return {
      url: this.url,
      ...(this.token ? { token: this.token } : {}),
      namespace: this.namespace,
      proxies: [...this.createdProxies],
      toxics: [...this.addedToxics.values()],
      disabled: [...this.disabledProxies],
    };
  }

  /** Called with the owned list whenever it changes (for a watchdog or a state file). */
  onOwnedChange(listener: (o: OwnedObjects) => void): () => void {
    this.ownedListeners.add(listener);
    return () => this.ownedListeners.delete(listener);
  }

  private ownedChanged(): void {
    if (this.ownedListeners.size === 0) return;
    const o = this.owned();
    for (const l of this.ownedListeners) l(o);
  }

  async version(): Promise<string> {
    const text = await this.call('reading the version', () => this.client.getVersion());
    return (JSON.parse(text) as { version: string }).version;
  }

  /** Creates the proxies, or keeps those already there with the same listen and upstream. */
  async ensureProxies(proxies: ProxySettings[]): Promise<ProxyState[]> {
    const before = new Set(Object.keys(await this.call('listing proxies', () => this.client.getAll())));
    const body = proxies.map((p) => ({
      name: this.ext(p.name),
      upstream: p.upstream,
      listen: p.listen ?? '127.0.0.1:0',
      enabled: p.enabled ?? true,
    }));
    // Recorded before the call: a populate that fails half-way may still have created some.
    for (const b of body) if (!before.has(b.name)) this.createdProxies.add(b.name);
    this.ownedChanged();
    await this.call('creating proxies', () => this.client.populate(body));
    return Promise.all(proxies.map((p) => this.proxy(p.name)));
  }

  async proxy(name: string): Promise<ProxyState> {
    const res = await this.call(`reading proxy ${name}`, () =>
      this.client.getApi().get(`${this.url}/proxies/${enc(this.ext(name))}`),
    );
    const state = res.data as ProxyState;
    return { ...state, name };
  }

  /** Our proxies (on a shared Toxiproxy, only those in our namespace). */
  async proxies(): Promise<ProxyState[]> {
    const all = await this.call('listing proxies', () => this.client.getAll());
    const ours = Object.keys(all)
      .map((n) => this.local(n))
      .filter((n): n is string => n !== undefined);
    return Promise.all(ours.map((name) => this.proxy(name)));
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = await this.call(`reading proxy ${name}`, () => this.client.get(this.ext(name)));
    if (!enabled && proxy.enabled) this.disabledProxies.add(proxy.name);
    await this.call(`${enabled ? 'enabling' : 'disabling'} proxy ${name}`, () =>
      proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream }),
    );
    if (enabled) this.disabledProxies.delete(proxy.name);
    this.ownedChanged();
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
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(this.ext(proxyName)));
    const created = await this.call(`adding toxic ${body.name} to proxy ${proxyName}`, () =>
      proxy.addToxic(body as never),
    );
    this.addedToxics.set(`${proxy.name}\u0000${body.name}`, [proxy.name, body.name]);
    this.ownedChanged();
    return created.toJson() as Required<ToxicSettings>;
  }

  async updateToxic(
    proxyName: string,
    toxicName: string,
    change: { toxicity?: number; attributes?: Record<string, number> },
  ): Promise<void> {
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(this.ext(proxyName)));
    const toxic = await this.call(`reading toxic ${toxicName}`, () => proxy.getToxic(toxicName));
    await this.call(`updating toxic ${toxicName} on proxy ${proxyName}`, () => toxic.update(change as never));
  }

  async removeToxic(proxyName: string, toxicName: string): Promise<void> {
    const proxy = await this.call(`reading proxy ${proxyName}`, () => this.client.get(this.ext(proxyName)));
    const toxic = await this.call(`reading toxic ${toxicName}`, () => proxy.getToxic(toxicName));
    await this.call(`removing toxic ${toxicName} from proxy ${proxyName}`, () => toxic.remove());
    this.addedToxics.delete(`${proxy.name}\u0000${toxicName}`);
    this.ownedChanged();
  }

  async removeProxy(name: string): Promise<void> {
    const ext = this.ext(name);
    const proxy = await this.call(`reading proxy ${name}`, () => this.client.get(ext));
    await this.call(`removing proxy ${name}`, () => proxy.remove());
    this.forgetProxy(ext);
  }

  private forgetProxy(ext: string): void {
    this.createdProxies.delete(ext);
    this.disabledProxies.delete(ext);
    for (const [k, [p]] of this.addedToxics) if (p === ext) this.addedToxics.delete(k);
    this.ownedChanged();
  }

  /**
   * Undoes what this client made and nothing else: removes the toxics it added, re-enables the
   * proxies it disabled and removes the proxies it created (on a Toxiproxy others may share).
   */
  async release(): Promise<void> {
    await releaseOwned(this.owned());
    this.createdProxies.clear();
    this.addedToxics.clear();
    this.disabledProxies.clear();
    this.ownedChanged();
    unwatch(`toxiproxy:${this.url}:${this.namespace}`);
  }

  /** Stops the embedded server; on a Toxiproxy given by URL, undoes what we made and leaves it running. */
  async close(): Promise<void> {
    if (this.embedded) await this.embedded.close();
    else await this.release();
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

/**
 * toxiproxy-node-client sends no headers of its own; a streamdrill Toxiproxy exposed beyond
 * loopback wants a bearer token, so its fetch is wrapped to add one (the client has no option).
 */
function withBearer(client: Toxiproxy, token: string): void {
  const api = client.getApi() as unknown as {
    doFetch: (url: string, init: RequestInit) => Promise<Response>;
  };
  const doFetch = api.doFetch.bind(api);
  api.doFetch = (url, init) =>
    doFetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
}
