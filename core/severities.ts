/** Severity names, SEV1 (worst) to SEV4. A leaf module: schemas everywhere import it. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];
