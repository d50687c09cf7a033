/**
 * Label values a rule may select, from the topology a scenario runs on: a rule that filters on
 * `region: mars` or `cdn: cdn-zzz` can never match a session, so it would pass every drill
 * vacuously. Checked when a rule file meets the scenarios it is run against (run, drill, replay,
 * test-rules), naming the rule file, the line and the values that exist.
 */
import { InputFileError, type InputIssue, positionOf, readYaml } from '../core/yaml-file.ts';
import type { Topology } from '../origin-stub/topology.ts';
import type { RuleFile } from './schema.ts';

/** Known values per label for one or more topologies (labels not listed here are not checked). */
export function knownLabelValues(topologies: Topology[], channels: string[]): Record<string, Set<string>> {
  const known: Record<string, Set<string>> = {
    region: new Set(),
    isp: new Set(),
    device: new Set(),
    drm: new Set(['none']),
    cdn: new Set(),
    pop: new Set(),
    channel: new Set(channels),
    variant: new Set(['clear', 'enc']),
  };
  for (const t of topologies) {
    for (const [region, r] of Object.entries(t.regions)) {
      known.region!.add(region);
      for (const isp of r.isps) known.isp!.add(isp);
      for (const pop of r.pops) known.pop!.add(pop);
    }
    for (const [device, d] of Object.entries(t.deviceClasses)) {
      known.device!.add(device);
      known.drm!.add(d.drm);
    }
    for (const cdn of t.cdns) known.cdn!.add(cdn);
  }
  return known;
}

/** Issues for every `where` value of every rule that no session of these topologies can carry. */
export async function checkRuleLabels(
  file: string,
  rules: RuleFile,
  known: Record<string, Set<string>>,
): Promise<void> {
  const bad: { path: (string | number)[]; message: string }[] = [];
  rules.rules.forEach((r, i) => {
    for (const [key, want] of Object.entries(r.where)) {
      const allowed = known[key];
      if (!allowed || want === undefined) continue;
      for (const v of Array.isArray(want) ? want : [want])
        if (!allowed.has(v))
          bad.push({
            path: ['rules', i, 'where', key],
            message: `no ${key} ${JSON.stringify(v)} in the scenario's stack (known: ${[...allowed].sort().join(', ')})`,
          });
    }
  });
  if (bad.length === 0) return;
  const parsed = await readYaml(file);
  const issues: InputIssue[] = bad.map((b) => ({
    file,
    ...positionOf(parsed, b.path),
    path: b.path
      .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
      .join('')
      .replace(/^\./, ''),
    message: b.message,
  }));
  throw new InputFileError(issues);
}
