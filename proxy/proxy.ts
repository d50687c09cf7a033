/**
 * A named proxy: one TCP listener forwarding every accepted connection to its upstream through
 * the proxy's toxics. Mirrors Toxiproxy's Proxy (name, listen, upstream, enabled, toxics).
 */
import net, { type Server, type Socket } from 'node:net';
import { formatHostPort, parseHostPort } from './address.ts';
import {
  type ByteCounters,
  bulkReader,
  Connection,
  type Direction,
  registerBulkSocket,
  type ToxicSpec,
} from './connection.ts';
import { ApiError, Errors } from './errors.ts';
import { resolveAttributes, TOXICS } from './toxics/index.ts';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: Direction;
  toxicity: number;
}

export interface ProxyStats {
  bytes: Record<Direction, ByteCounters>;
  connectionsTotal: number;
  upstreamErrors: number;
}

export class ProxyInstance {
  enabled = false;
  readonly toxics: ToxicSpec[] = [];
  readonly stats: ProxyStats = {
    bytes: { upstream: { received: 0, sent: 0 }, downstream: { received: 0, sent: 0 } },
    connectionsTotal: 0,
    upstreamErrors: 0,
  };
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private connectionSeq = 0;

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly seed: string,
  ) {}

  get activeConnections(): number {
    return this.connections.size;
  }

  /** Checks listen and upstream before anything is changed (used by create and populate). */
  static validateAddresses(listen: string, upstream: string): ApiError | undefined {
    if (!parseHostPort(listen)) {
      return Errors.badRequestBody(`listen address ${JSON.stringify(listen)} is not host:port`);
    }
    if (!parseHostPort(upstream)) {
      return Errors.badRequestBody(`upstream address ${JSON.stringify(upstream)} is not host:port`);
    }
    return undefined;
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const addr = parseHostPort(this.listen);
    if (!addr) throw Errors.badRequestBody(`listen address ${JSON.stringify(this.listen)} is not host:port`);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(this.listen, err)));
      server.listen({ host: addr.host === 'localhost' ? '127.0.0.1' : addr.host, port: addr.port }, () => {
        server.removeAllListeners('error');
        server.on('error', () => {});
        resolve();
      });
    });
    const bound = server.address() as net.AddressInfo;
    this.listen = formatHostPort(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Closes the listener and every live connection: clients see connection refused / reset. */
  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** PATCH semantics: a new listen or upstream restarts the listener; `enabled` starts or stops it. */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (input.listen !== this.listen || input.upstream !== this.upstream) {
      const err = ProxyInstance.validateAddresses(input.listen, input.upstream);
      if (err) throw err;
      const wasEnabled = this.enabled;
      await this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
      if (wasEnabled && input.enabled) await this.start();
    }
    if (input.enabled && !this.enabled) await this.start();
    if (!input.enabled && this.enabled) await this.stop();
  }

  addToxic(body: Record<string, unknown>): ToxicJson {
    const type = body.type;
    const stream = body.stream ?? 'downstream';
    if (stream !== 'upstream' && stream !== 'downstream') throw Errors.invalidStream();
    const def = typeof type === 'string' ? TOXICS.get(type) : undefined;
    const name = typeof body.name === 'string' && body.name !== '' ? body.name : `${String(type)}_${stream}`;
    if (!def) throw Errors.invalidToxicType();
    if (this.findToxic(name)) throw Errors.toxicAlreadyExists();
    const toxicity = parseToxicity(body.toxicity, 1);
    const attrs = resolveAttributes(def, {}, body.attributes);
    if ('error' in attrs) throw Errors.badRequestBody(attrs.error);
    const spec: ToxicSpec = { name, def, stream, toxicity, attributes: attrs.attributes };
    this.toxics.push(spec);
    for (const c of this.connections) c.addToxic(spec);
    return toxicJson(spec);
  }

  updateToxic(name: string, body: Record<string, unknown>): ToxicJson {
    const spec = this.findToxic(name);
    if (!spec) throw Errors.toxicNotFound();
    const toxicity = parseToxicity(body.toxicity, spec.toxicity);
    const attrs = resolveAttributes(spec.def, spec.attributes, body.attributes);
    if ('error' in attrs) throw Errors.badRequestBody(attrs.error);
    const toxicityChanged = toxicity !== spec.toxicity;
    spec.toxicity = toxicity;
    spec.attributes = attrs.attributes;
    for (const c of this.connections) c.updateToxic(spec, toxicityChanged);
    return toxicJson(spec);
  }

  removeToxic(name: string): void {
    const spec = this.findToxic(name);
    if (!spec) throw Errors.toxicNotFound();
    this.toxics.splice(this.toxics.indexOf(spec), 1);
    for (const c of this.connections) c.removeToxic(spec);
  }

  resetToxics(): void {
    for (const spec of [...this.toxics]) this.removeToxic(spec.name);
  }

  findToxic(name: string): ToxicSpec | undefined {
    return this.toxics.find((t) => t.name === name);
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxicsJson(),
    };
  }

  /** Toxiproxy lists upstream toxics before downstream ones, each in order of creation. */
  toxicsJson(): ToxicJson[] {
    const order = (d: Direction) => this.toxics.filter((t) => t.stream === d).map(toxicJson);
    return [...order('upstream'), ...order('downstream')];
  }

  private accept(client: Socket): void {
    if (!this.enabled) {
      client.destroy();
      return;
    }
    const target = parseHostPort(this.upstream)!;
    const seq = this.connectionSeq++;
    this.stats.connectionsTotal++;
    const upstream = net.connect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    upstream.once('error', () => {
      // Upstream refused or unreachable: Toxiproxy closes the client and keeps serving.
      this.stats.upstreamErrors++;
      client.destroy();
    });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      if (!this.enabled || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const conn = new Connection(client, upstream, `${this.seed}|${this.name}|${seq}`, (c) =>
        this.connections.delete(c),
      );
      this.connections.add(conn);
      conn.start(this.toxics, this.stats.bytes);
    });
    client.on('error', () => upstream.destroy());
  }
}

function toxicJson(spec: ToxicSpec): ToxicJson {
  return {
    attributes: { ...spec.attributes },
    name: spec.name,
    type: spec.def.type,
    stream: spec.stream,
    toxicity: spec.toxicity,
  };
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw Errors.badRequestBody(`toxicity must be a number between 0 and 1, got ${typeof value}`);
  }
  if (value < 0 || value > 1) {
    throw Errors.badRequestBody(`toxicity must be between 0 and 1, got ${value}`);
  }
  return value;
}

/** Go's wording for a failed listen, e.g. "listen tcp 127.0.0.1:8474: bind: address already in use". */
function listenError(listen: string, err: NodeJS.ErrnoException): ApiError {
  const reason =
    err.code === 'EADDRINUSE'
      ? 'bind: address already in use'
      : err.code === 'EADDRNOTAVAIL'
        ? 'bind: cannot assign requested address'
        : err.code === 'EACCES'
          ? 'bind: permission denied'
          : err.message;
  return new ApiError(`listen tcp ${listen}: ${reason}`, 500);
}
