/**
 * An HTTP fault against the stack it is added to: every label value its match names must exist
 * (a typo'd `pop: xyz` is refused, naming the known POPs, instead of silently hitting nothing), and
 * where it lives — the components it can act at given its match and its module's `acts`, each
 * mapped to the party that owns it (the ground truth the judge scores escalation against).
 */
import {
  type FaultIssue,
  type FaultLocation,
  type FaultTargets,
  type HttpFaultModule,
  type Party,
  TARGET_LABELS,
} from '../fault.ts';
import { COMPONENT_FACTS, type Component, type Match, matchValues } from '../types.ts';

const PLURAL: Record<string, string> = {
  cdn: 'CDNs',
  pop: 'POPs',
  region: 'regions',
  isp: 'ISPs',
  channel: 'channels',
  variant: 'variants',
  rendition: 'renditions',
  drm: 'DRM labels',
  deviceClass: 'device classes',
};

/** Match values the stack does not have, each with the values it does. */
export function matchIssues(match: Match, targets: FaultTargets): FaultIssue[] {
  const issues: FaultIssue[] = [];
  for (const key of TARGET_LABELS) {
    const want = match[key];
    if (want === undefined) continue;
    const known = targets.labels[key];
    const list = Array.isArray(want) ? want : [want];
    list.forEach((v, i) => {
      if (known.includes(v)) return;
      issues.push({
        path: Array.isArray(want) ? ['match', key, i] : ['match', key],
        message: `unknown ${key} '${v}' (${PLURAL[key]}: ${known.join(', ')})`,
      });
    });
  }
  return issues;
}

const PARTY: Record<Component, Party> = {
  edge: 'cdn',
  shield: 'cdn',
  origin: 'origin',
  'backup-origin': 'origin',
  entry: 'origin',
  licence: 'drm',
  steering: 'steering',
};

/** The components a fault of this module with this match can act at. */
export function actingComponents(m: HttpFaultModule, match: Match, targets: FaultTargets): Component[] {
  const components = matchValues(match, 'component');
  const kinds = matchValues(match, 'kind');
  const pops = matchValues(match, 'pop');
  const named = (Object.keys(match) as (keyof Match)[]).filter(
    (k) => k !== 'component' && match[k] !== undefined,
  );
  return m.acts.components.filter((c) => {
    if (components && !components.includes(c)) return false;
    const facts = COMPONENT_FACTS[c];
    // A label this component's requests do not carry never matches them.
    if (named.some((k) => !facts.labels.includes(k))) return false;
    const k = facts.kinds.filter(
      (x) => (!m.acts.kinds || m.acts.kinds.includes(x)) && (!kinds || kinds.includes(x)),
    );
    if (k.length === 0) return false;
    if (pops && (c === 'edge' || c === 'shield')) {
      return pops.some((p) => targets.shields.includes(p) === (c === 'shield'));
    }
    return true;
  });
}

/** Where an HTTP fault lives: one location per party and component it can act at. */
export function locateHttp(m: HttpFaultModule, match: Match, targets: FaultTargets): FaultLocation[] {
  const out: FaultLocation[] = [];
  for (const c of actingComponents(m, match, targets)) {
    const party = m.acts.party ?? PARTY[c];
    const component = party === 'packager' ? 'packager' : c === 'backup-origin' ? 'origin' : c;
    const loc: FaultLocation = { party, component, owners: [] };
    if (party === 'cdn') {
      loc.cdn = matchValues(match, 'cdn') ?? [...targets.labels.cdn];
      const pops = matchValues(match, 'pop')?.filter((p) => targets.shields.includes(p) === (c === 'shield'));
      if (pops) loc.pop = pops;
    }
    if (c === 'origin' || c === 'backup-origin') loc.origin = [c];
    if (party === 'drm') loc.drm = matchValues(match, 'drm') ?? [...targets.labels.drm];
    for (const key of ['region', 'isp', 'channel', 'variant', 'deviceClass'] as const) {
      const v = matchValues(match, key);
      if (v) loc[key] = v;
    }
    loc.owners = party === 'cdn' ? loc.cdn!.map((x) => `vendor:${x}`) : [`sme:${party}`];
    // The primary and the backup origin (or their packagers) are one place with two instances.
    const same = out.find((o) => o.party === party && o.component === component);
    if (same?.origin && loc.origin) same.origin.push(...loc.origin);
    else out.push(loc);
  }
  return out;
}
