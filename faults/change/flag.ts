/**
 * `flag`: a feature flag turned on or off as a scenario steps it. The one flag the playbook cares
 * about is `ad-pod` (origin-stub/control/flags.ts): its ad breaks vary by device class and its
 * creative breaks playback on the classes in `brokenFor`. Removing the step turns it back.
 */
import { z } from 'zod';
import type { ChangeModule, FaultIssue, FaultLocation, FaultTargets } from '../fault.ts';
import { unknownKeyError } from '../params.ts';

const schema = z.strictObject(
  {
    flag: z.string().min(1),
    enabled: z.boolean().default(true),
    brokenFor: z.array(z.string().min(1)).optional().describe('device classes the creative breaks on'),
  },
  { error: unknownKeyError('flag parameters', ['flag', 'enabled', 'brokenFor']) },
);

export const flag = {
  type: 'flag' as const,
  description: 'turns a feature flag on (or off); the ad-pod creative breaks playback on brokenFor devices',
  modelled: 'the flag as in the real stack: ad breaks whose segments the brokenFor devices cannot decode',
  layer: 'change' as const,
  schema,
  rampable: {},
  compile(params: Record<string, unknown>) {
    const brokenFor = params.brokenFor;
    return {
      layer: 'flag' as const,
      flag: String(params.flag ?? ''),
      enabled: params.enabled !== false,
      ...(Array.isArray(brokenFor) ? { brokenFor: brokenFor as string[] } : {}),
    };
  },
  check(params: Record<string, unknown>, targets: FaultTargets): FaultIssue[] {
    const issues: FaultIssue[] = [];
    if (typeof params.flag === 'string' && !targets.flags.includes(params.flag)) {
      issues.push({
        path: ['flag'],
        message: `unknown feature flag '${params.flag}' (flags: ${targets.flags.join(', ')})`,
      });
    }
    const devices = targets.labels.deviceClass;
    if (Array.isArray(params.brokenFor)) {
      params.brokenFor.forEach((d, i) => {
        if (typeof d === 'string' && !devices.includes(d))
          issues.push({
            path: ['brokenFor', i],
            message: `unknown device class '${d}' (device classes: ${devices.join(', ')})`,
          });
      });
    }
    return issues;
  },
  locate(params: Record<string, unknown>): FaultLocation[] {
    const brokenFor = Array.isArray(params.brokenFor) ? (params.brokenFor as string[]) : undefined;
    return [
      {
        party: 'ads',
        component: String(params.flag),
        flag: String(params.flag),
        ...(brokenFor ? { deviceClass: brokenFor } : {}),
        owners: ['sme:ads'],
      },
    ];
  },
} satisfies ChangeModule;
