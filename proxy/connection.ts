/**
 * One proxied TCP connection: the client socket, the upstream socket and the two links between
 * them (upstream = client → server bytes, downstream = server → client bytes).
 *
 * A link is a chain of toxic stages. With no toxic it is a straight socket-to-socket copy (the
 * fast path the benchmark measures). Toxics can be added, updated and removed while it runs.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createRng } from '../core/rng.ts';
import type { ToxicDefinition } from './toxics/index.ts';
import { type Attributes, passThrough, type Stage, type StageContext } from './toxics/toxic.ts';

/** The longest delay Node's timers take (2^31-1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export type Direction = 'upstream' | 'downstream';

/** A toxic as configured on a proxy (the API's view); links build one stage per connection from it. */
export interface ToxicSpec {
  name: string;
  def: ToxicDefinition;
  stream: Direction;
  toxicity: number;
  attributes: Attributes;
}

export interface ByteCounters {
  /** Bytes read from the source socket. */
  received: number;
  /** Bytes written to the destination socket. */
  sent: number;
}

/**
 * Upstream sockets read into large buffers (see `bulkReader`); other sockets emit 'data'.
 * `onChunk` hides the difference from the link.
 */
/** Returns true when the chunk was fully handed to the kernel, so its memory may be reused. */
type ChunkHandler = (chunk: Buffer) => boolean;
const chunkHandlers = new WeakMap<Socket, ChunkHandler>();

function onChunk(socket: Socket, handler: ChunkHandler): void {
  if (chunkHandlers.has(socket)) chunkHandlers.set(socket, handler);
  else socket.on('data', handler);
}

/** Read size for bulk sockets: big reads mean fewer syscalls per byte on the media-heavy direction. */
const BULK_READ_BYTES = 1024 * 1024;

/**
 * `net.connect` options that read into a 1 MiB buffer instead of libuv's 64 KiB ones: fewer
 * syscalls per byte on the downstream (media) direction. The buffer is reused while the fast path
 * writes each chunk straight through to the kernel; if a chunk is held (a toxic, a full socket),
 * a small one is copied out and a large one keeps the buffer, and a fresh buffer takes its place.
 * Node offers `onread` only for sockets we create, not for accepted ones, so the client side
 * keeps 'data' events.
 */
export function bulkReader(socketRef: () => Socket): {
  buffer: () => Buffer;
  callback: (bytes: number, buf: Buffer) => boolean;
} {
  let current = Buffer.allocUnsafe(BULK_READ_BYTES);
  return {
    buffer: () => current,
    callback(bytes, buf) {
      const socket = socketRef();
      const handler = chunkHandlers.get(socket);
      const chunk = buf.subarray(0, bytes);
      if (handler && !handler(chunk)) {
        // Still referenced somewhere: this buffer now belongs to that chunk.
        current = Buffer.allocUnsafe(BULK_READ_BYTES);
      }
      return !socket.isPaused();
    },
  };
}

/** Marks a socket as read through `bulkReader`, so the link attaches its handler there. */
export function registerBulkSocket(socket: Socket): void {
  chunkHandlers.set(socket, () => true);
}

/** Pause reading once toxics hold this much, resume below the low mark. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

interface StageEntry {
  name: string;
  stage: Stage;
}

class Link {
  private readonly stages: StageEntry[] = [];
  private sinkBlocked = false;
  private ended = false;

  constructor(
    private readonly conn: Connection,
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly sink: Socket,
    private readonly counters: ByteCounters,
  ) {}

  start(toxics: readonly ToxicSpec[]): void {
    for (const t of toxics) if (t.stream === this.direction) this.add(t);
    onChunk(this.source, (chunk: Buffer) => {
      this.counters.received += chunk.length;
      const first = this.stages[0];
      if (first) {
        // A toxic may hold on to the chunk: give it a copy when the read buffer gets reused.
        first.stage.onData(Buffer.from(chunk));
        this.checkHeld();
        return true;
      }
      return this.write(chunk);
    });
    this.source.on('end', () => this.forwardEnd(-1));
    this.sink.on('drain', () => {
      this.sinkBlocked = false;
      this.maybeResume();
    });
  }

  add(spec: ToxicSpec): void {
    const entry: StageEntry = { name: spec.name, stage: passThrough(this.contextFor(undefined)) };
    entry.stage = this.createStage(spec, entry);
    this.stages.push(entry);
  }

  update(spec: ToxicSpec, toxicityChanged: boolean): void {
    const entry = this.stages.find((s) => s.name === spec.name);
    if (!entry) return;
    if (toxicityChanged) {
      // A new toxicity is a new draw, as when Toxiproxy restarts the toxic on the link.
      entry.stage.drain();
      entry.stage = this.createStage(spec, entry);
    } else {
      entry.stage.update(spec.attributes);
    }
  }

  remove(name: string): void {
    const entry = this.stages.find((s) => s.name === name);
    if (!entry) return;
    entry.stage.drain(); // hands held bytes to the next stage before it disappears
    this.stages.splice(this.stages.indexOf(entry), 1);
    this.maybeResume();
  }

  private createStage(spec: ToxicSpec, entry: StageEntry): Stage {
    const ctx = this.contextFor(entry);
    const active = ctx.rng.next() < spec.toxicity;
    return active ? spec.def.create(spec.attributes, ctx) : passThrough(ctx);
  }

  private contextFor(entry: StageEntry | undefined): StageContext {
    const conn = this.conn;
    const name = entry?.name ?? '';
    return {
      forward: (chunk) => this.forwardData(entry, chunk),
      end: () => this.forwardEnd(entry ? this.stages.indexOf(entry) : -1),
      close: () => conn.close(),
      reset: () => conn.reset(),
      rng: createRng(`${conn.seedBase}|${this.direction}|${name}`),
      setTimer: (fn, ms) => conn.setTimer(fn, ms),
      clearTimer: (t) => conn.clearTimer(t),
      now: () => performance.now(),
    };
  }

  private forwardData(from: StageEntry | undefined, chunk: Buffer): void {
    if (this.conn.finished) return;
    const index = from ? this.stages.indexOf(from) : -1;
    // A stage already removed (index -1) forwards to the head of what remains after it: its
    // drain runs before the splice, so indexOf still finds it here.
    const next = this.stages[index + 1];
    if (next) next.stage.onData(chunk);
    else this.write(chunk);
    this.maybeResume();
  }

  private forwardEnd(fromIndex: number): void {
    if (this.conn.finished) return;
    const next = this.stages[fromIndex + 1];
    if (next) {
      next.stage.onEnd();
      return;
    }
    if (this.ended) return;
    this.ended = true;
    this.sink.end();
  }

  /** Writes to the destination; true when the kernel took all of it (nothing left queued). */
  private write(chunk: Buffer): boolean {
    if (this.sink.destroyed) return true;
    this.counters.sent += chunk.length;
    if (!this.sink.write(chunk) && !this.sinkBlocked) {
      this.sinkBlocked = true;
      this.source.pause();
    }
    return this.sink.writableLength === 0;
  }

  private held(): number {
    let total = 0;
    for (const s of this.stages) total += s.stage.heldBytes();
    return total;
  }

  private checkHeld(): void {
    if (this.held() > HIGH_WATER) this.source.pause();
  }

  private maybeResume(): void {
    if (this.sinkBlocked || this.conn.finished || !this.source.isPaused()) return;
    if (this.held() < LOW_WATER) this.source.resume();
  }
}

export class Connection {
  finished = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly links: Link[] = [];

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    readonly seedBase: string,
    private readonly onFinish: (conn: Connection) => void,
  ) {}

  start(toxics: readonly ToxicSpec[], counters: Record<Direction, ByteCounters>): void {
    const up = new Link(this, 'upstream', this.client, this.upstream, counters.upstream);
    const down = new Link(this, 'downstream', this.upstream, this.client, counters.downstream);
    this.links.push(up, down);
    up.start(toxics);
    down.start(toxics);
    for (const sock of [this.client, this.upstream]) {
      sock.on('error', () => this.destroy());
      sock.on('close', (hadError: boolean) => this.socketClosed(sock, hadError));
    }
    this.client.resume();
  }

  addToxic(spec: ToxicSpec): void {
    for (const l of this.links) if (l.direction === spec.stream) l.add(spec);
  }

  updateToxic(spec: ToxicSpec, toxicityChanged: boolean): void {
    for (const l of this.links) if (l.direction === spec.stream) l.update(spec, toxicityChanged);
  }

  removeToxic(spec: ToxicSpec): void {
    for (const l of this.links) if (l.direction === spec.stream) l.remove(spec.name);
  }

  setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    // Toxiproxy takes any int64 (a latency of 2^32 ms is legal); Node fires a timer above 2^31-1 ms
    // after 1 ms with a warning, so a queue re-arming it would spin. Past ~24.8 days, wait that long
    // (the latency queue then re-arms for the rest; a timeout or reset comes early, after 24.8 days).
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        if (!this.finished) fn();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    this.timers.add(t);
    return t;
  }

  clearTimer(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Graceful close of both sides (FIN), what Toxiproxy does when a toxic closes its stub. */
  close(): void {
    if (this.finished) return;
    this.finish();
    for (const sock of [this.client, this.upstream]) {
      sock.pause();
      sock.end();
      // A peer that never answers our FIN must not keep the socket forever.
      setTimeout(() => sock.destroy(), 2000).unref();
    }
  }

  /** Abortive close of both sides: the peers see ECONNRESET. */
  reset(): void {
    if (this.finished) return;
    this.finish();
    for (const sock of [this.client, this.upstream]) {
      if (!sock.destroyed) sock.resetAndDestroy();
    }
  }

  destroy(): void {
    if (!this.finished) this.finish();
    this.client.destroy();
    this.upstream.destroy();
  }

  private socketClosed(sock: Socket, hadError: boolean): void {
    if (this.finished) return;
    // A socket that closed without a FIN from its peer (RST, error) takes the connection with it.
    // After a clean FIN, the toxics still deliver what they hold and then end the other side.
    if (hadError || !sock.readableEnded) {
      this.destroy();
      return;
    }
    if (this.client.closed && this.upstream.closed) this.finish();
  }

  private finish(): void {
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.onFinish(this);
  }
}
