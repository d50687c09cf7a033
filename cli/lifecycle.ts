/**
 * Ctrl-C and SIGTERM for long-running commands, handled alike everywhere: the first signal asks the
 * command to stop (its work sees an aborted {@link AbortSignal}: faults removed, journal written,
 * browsers and servers closed), and the command exits 130 after SIGINT, 143 after SIGTERM (the
 * shell's 128 + signal number, so CI and systemd see the run was interrupted). A second signal
 * while stopping exits at once with the same status; the watchdog (core/watchdog.ts) still removes
 * browsers and shared-Toxiproxy objects then.
 */

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export class Interrupt {
  private readonly ac = new AbortController();
  /** The first signal received, if any. */
  received: NodeJS.Signals | undefined;
  private readonly handler = (s: NodeJS.Signals) => this.on(s);

  constructor(private readonly say: (signal: NodeJS.Signals) => string | undefined = () => undefined) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  private on(s: NodeJS.Signals): void {
    if (this.received) {
      process.stderr.write(`\n${s} again: exiting now\n`);
      process.exit(EXIT_CODES[this.received] ?? 1);
    }
    this.received = s;
    const line = this.say(s);
    if (line) process.stderr.write(`\n${line}\n`);
    this.ac.abort(s);
  }

  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /** Resolves when a signal arrives (never, otherwise). */
  get stopped(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      if (this.received) resolve(this.received);
      else this.ac.signal.addEventListener('abort', () => resolve(this.received!), { once: true });
    });
  }

  /** 130 after SIGINT, 143 after SIGTERM, undefined when no signal came. */
  get exitCode(): number | undefined {
    return this.received ? EXIT_CODES[this.received] : undefined;
  }

  /** Sets process.exitCode when the command was interrupted. */
  settle(): void {
    if (this.exitCode !== undefined) process.exitCode = this.exitCode;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/**
 * Waits for Ctrl-C / SIGTERM (servers that run until stopped); the command then exits 130 / 143,
 * unless `interrupted: false` (leaving a console kept up after a finished drill is no interruption).
 */
export async function waitForShutdownSignal(o: { interrupted?: boolean } = {}): Promise<NodeJS.Signals> {
  const i = new Interrupt();
  const s = await i.stopped;
  i.dispose();
  if (o.interrupted !== false) i.settle();
  return s;
}

/** Sleeps `ms`, or less when `signal` aborts first; leaves no timer behind either way. */
export function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
