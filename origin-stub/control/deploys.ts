/**
 * The deploy registry: which version of each component (encoder, packager, each registered player) is live, and
 * the history that "roll back the last deploy" walks back through. A known-bad packager version
 * carries the fault it introduces (timestamp drift, segment gaps), applied through the fault
 * registry for as long as that version is live.
 */
import type { Clock } from '../../core/clock.ts';
import type { HttpFaultInput } from '../../faults/index.ts';
import type { FaultRegistry } from '../../faults/registry.ts';
import { PLAYERS, type PlayerId, playerComponent } from '../../players/registry.ts';

/** The encoder, the packager and one `player-<id>` per registered player (players/registry.ts). */
export type DeployComponent = 'encoder' | 'packager' | `player-${PlayerId}`;
export const DEPLOY_COMPONENTS: readonly DeployComponent[] = [
  'encoder',
  'packager',
  ...PLAYERS.map((p) => playerComponent(p.id)),
];

/** What a version does to the stream while it is live (none for a good version). */
export type VersionDefect = HttpFaultInput;

export const DEFAULT_VERSIONS: Record<DeployComponent, string> = {
  encoder: '5.1.0',
  packager: '3.4.2',
  // Each player's pinned library version (its traits).
  ...(Object.fromEntries(PLAYERS.map((p) => [playerComponent(p.id), p.version])) as Record<
    `player-${PlayerId}`,
    string
  >),
};

/** Versions known to be bad, with the defect each introduces (the catalogue scenarios deploy). */
export const KNOWN_DEFECTS: Record<string, VersionDefect> = {
  'packager@3.5.0': { type: 'av-drift', msPerMinute: 800 },
  'packager@3.5.1': { type: 'segment-gap', every: 6, length: 1 },
  'encoder@5.2.0': { type: 'segment-gap', every: 10, length: 2 },
};

export interface DeployRecord {
  component: DeployComponent;
  version: string;
  previous: string;
  atMs: number;
  kind: 'deploy' | 'rollback';
}

export class DeployError extends Error {
  readonly statusCode = 400;
}

export class DeployRegistry {
  private readonly current = new Map<DeployComponent, string>();
  private readonly history: DeployRecord[] = [];
  private readonly listeners = new Set<(r: DeployRecord) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly faults: FaultRegistry,
    initial: Partial<Record<DeployComponent, string>> = {},
  ) {
    for (const c of DEPLOY_COMPONENTS) this.current.set(c, initial[c] ?? DEFAULT_VERSIONS[c]);
    for (const c of DEPLOY_COMPONENTS) this.applyDefect(c);
  }

  versions(): Record<DeployComponent, string> {
    return Object.fromEntries(this.current) as Record<DeployComponent, string>;
  }

  log(): DeployRecord[] {
    return [...this.history];
  }

  deploy(component: string, version: string): DeployRecord {
    const c = checkComponent(component);
    if (!/^[0-9A-Za-z.+-]{1,32}$/.test(version))
      throw new DeployError(`version must look like 1.2.3, got ${JSON.stringify(version)}`);
    return this.record(c, version, 'deploy');
  }

  /** Rolls the component back to the version before its last deploy. */
  rollback(component: string): DeployRecord {
    const c = checkComponent(component);
    const last = [...this.history]
      .reverse()
      .find((r) => r.component === c && r.kind === 'deploy' && r.version === this.current.get(c));
    if (!last) throw new DeployError(`${c} has no deploy to roll back (live: ${this.current.get(c)})`);
    return this.record(c, last.previous, 'rollback');
  }

  onChange(listener: (r: DeployRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  defectOf(component: DeployComponent): VersionDefect | undefined {
    return KNOWN_DEFECTS[`${component}@${this.current.get(component)}`];
  }

  private record(c: DeployComponent, version: string, kind: DeployRecord['kind']): DeployRecord {
    const rec: DeployRecord = {
      component: c,
      version,
      previous: this.current.get(c)!,
      atMs: this.clock.now(),
      kind,
    };
    this.current.set(c, version);
    this.history.push(rec);
    this.applyDefect(c);
    for (const l of this.listeners) l(rec);
    return rec;
  }

  private applyDefect(c: DeployComponent): void {
    const id = `deploy:${c}`;
    this.faults.remove(id);
    const defect = this.defectOf(c);
    if (defect) this.faults.add({ ...defect, id });
  }
}

function checkComponent(component: string): DeployComponent {
  if (!(DEPLOY_COMPONENTS as readonly string[]).includes(component)) {
    throw new DeployError(`unknown component '${component}' (components: ${DEPLOY_COMPONENTS.join(', ')})`);
  }
  return component as DeployComponent;
}
