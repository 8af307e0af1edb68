import { PolicyCheckResult } from './engine';
import { wildcardMatch } from './wildcard';

/** An accepted violation: which results it covers (wildcards allowed) and why. */
export interface PolicyExemption {
  policy: string;
  rule?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reason: string;
}

export type ExemptedResult = PolicyCheckResult & { exemption?: string };

/**
 * Marks failures covered by an exemption. An exempted result keeps its status so reports stay
 * truthful, but carries the reason and no longer counts towards failing the check.
 */
export function applyExemptions(
  results: PolicyCheckResult[],
  exemptions: PolicyExemption[] = [],
): ExemptedResult[] {
  if (exemptions.length === 0) return results;
  const covers = (e: PolicyExemption, r: PolicyCheckResult) =>
    wildcardMatch(e.policy, r.policy) &&
    (!e.rule ||
      wildcardMatch(e.rule, r.rule) ||
      wildcardMatch(`autogen-${e.rule}`, r.rule) ||
      wildcardMatch(`autogen-cronjob-${e.rule}`, r.rule)) &&
    (!e.kind || wildcardMatch(e.kind, r.resource.kind)) &&
    (!e.namespace || wildcardMatch(e.namespace, r.resource.namespace ?? '')) &&
    (!e.name || wildcardMatch(e.name, r.resource.name));
  return results.map(r => {
    if (r.result !== 'fail' && r.result !== 'warn') return r;
    const exemption = exemptions.find(e => covers(e, r));
    return exemption ? { ...r, exemption: exemption.reason } : r;
  });
}
