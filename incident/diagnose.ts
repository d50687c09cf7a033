/**
 * The runbook bot's diagnosis: from what the dashboards show, which of the four mitigations fits —
 * or none, and whom to call instead. The rules follow the playbook's seven dashboards: a problem
 * confined to one CDN in a region is steered away; one channel on every CDN is the packager or
 * origin (roll back a fresh deploy, else fail over); one device class right after a feature flag
 * is the flag; one ISP across CDNs is the ISP (don't page the CDN); one DRM label is the licence
 * path.
 */
import type { LabelFilter } from '../metrics/engine.ts';
import type { ImpactFigures } from './impact.ts';
import type { Change, Observations } from './observe.ts';

export interface Diagnosis {
  lever?: 'steer' | 'rollback' | 'failover' | 'disable-flag';
  args?: Record<string, string>;
  /** Who to call when no lever fits (an SME or a vendor). */
  escalate?: string;
  finding: string;
}

/** A slice stands out when it is this many times worse than the rest, and clearly impaired. */
const STANDS_OUT = 3;
const IMPAIRED = 0.02;

function standout(
  slices: Record<string, ImpactFigures>,
): { name: string; worst: ImpactFigures; rest: number } | undefined {
  const entries = Object.entries(slices).filter(([, f]) => f.viewers > 0 || f.startAttempts > 0);
  if (entries.length < 2) return undefined;
  entries.sort((a, b) => b[1].affectedShare - a[1].affectedShare);
  const [name, worst] = entries[0]!;
  const rest = Math.max(...entries.slice(1).map(([, f]) => f.affectedShare));
  if (worst.affectedShare < IMPAIRED || worst.affectedShare < STANDS_OUT * Math.max(rest, 0.005))
    return undefined;
  return { name, worst, rest };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function diagnose(obs: Observations, scope: LabelFilter): Diagnosis {
  const changes = obs.changes();
  const lastDeploy = [...changes].reverse().find((c) => c.kind === 'deploy');
  const flagOn = [...changes].reverse().find((c) => c.kind === 'flag' && c.enabled);

  const cdn = standout(obs.bySlice('cdn', scope));
  if (cdn && scope.region) {
    const other = Object.keys(obs.bySlice('cdn', scope)).find((c) => c !== cdn.name);
    if (other) {
      return {
        lever: 'steer',
        args: { region: String(scope.region), cdn: other },
        finding: `impact concentrated on ${cdn.name} in ${scope.region} (${pct(cdn.worst.affectedShare)} vs ${pct(cdn.rest)} elsewhere): steer ${scope.region} to ${other}`,
      };
    }
  }
  // One POP of a CDN misbehaving: steering the region away is the only lever that moves its viewers.
  const pop = standout(obs.bySlice('pop', scope));
  if (pop && scope.region) {
    const cdns = obs.bySlice('cdn', scope);
    const popCdn = Object.entries(cdns).sort((a, b) => b[1].affectedShare - a[1].affectedShare)[0]?.[0];
    const other = Object.keys(cdns).find((c) => c !== popCdn);
    if (other) {
      return {
        lever: 'steer',
        args: { region: String(scope.region), cdn: other },
        finding: `POP ${pop.name} stands out (${pct(pop.worst.affectedShare)} vs ${pct(pop.rest)}); steer ${scope.region} to ${other} while ${popCdn} fixes it`,
      };
    }
  }
  const isp = standout(obs.bySlice('isp', scope));
  if (isp && !cdn) {
    return {
      escalate: `vendor:${isp.name}`,
      finding: `impact lines up with ISP ${isp.name} across CDNs (${pct(isp.worst.affectedShare)}): an ISP problem, not a CDN one; no lever applies`,
    };
  }
  const device = standout(obs.bySlice('device', scope));
  if (device && flagOn?.flag) {
    return {
      lever: 'disable-flag',
      args: { flag: flagOn.flag },
      finding: `impact confined to ${device.name} devices since feature flag ${flagOn.flag} went on: disable it`,
    };
  }
  const variant = standout(obs.bySlice('variant', scope));
  if (variant?.name === 'enc') {
    return {
      escalate: 'sme:drm',
      finding: `failures confined to encrypted sessions (${pct(variant.worst.affectedShare)} vs ${pct(variant.rest)} clear): the licence path; no lever applies, escalate to the DRM specialist`,
    };
  }
  const drm = standout(obs.bySlice('drm', { ...scope, variant: 'enc' }));
  if (drm && drm.name !== 'none') {
    return {
      escalate: 'sme:drm',
      finding: `start failures confined to DRM ${drm.name} (${pct(drm.worst.affectedShare)}): licence path; no lever applies, escalate to the DRM specialist`,
    };
  }
  const channel = standout(obs.bySlice('channel', scope));
  if (channel || lastDeploy) {
    if (lastDeploy?.component) {
      return {
        lever: 'rollback',
        args: { component: lastDeploy.component },
        finding: `${channel ? `channel ${channel.name} impaired on every CDN` : 'impact across the board'} after a ${lastDeploy.component} deploy (${lastDeploy.version}): roll it back`,
      };
    }
    if (channel) {
      return {
        lever: 'failover',
        args: { to: 'backup' },
        finding: `channel ${channel.name} impaired on every CDN with nothing deployed: origin or packager; fail over to the backup origin`,
      };
    }
  }
  const all = obs.overall(scope);
  if (all.startFailureShare > 0.25 || all.affectedShare > 0.25) {
    return {
      lever: 'failover',
      args: { to: 'backup' },
      finding: `${pct(all.affectedShare)} affected on every CDN and channel: origin-wide; fail over to the backup origin`,
    };
  }
  return { finding: 'no single CDN, ISP, device, DRM or channel stands out; keep investigating' };
}

export type { Change };
