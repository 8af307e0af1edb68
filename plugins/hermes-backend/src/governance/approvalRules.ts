import { Config } from '@backstage/config';
import { wildcardMatch } from '@hermes-backstage/plugin-hermes-common';
import { createHash } from 'node:crypto';

export type ApprovalEffect = 'allow' | 'deny' | 'require-approval';

/** One entry of `hermes.approvals.rules`. Unset fields match anything. */
export interface ApprovalRule {
  /** Tool name; `*` matches any run of characters, e.g. `skill_*`. */
  tool: string;
  cluster?: string;
  namespace?: string;
  kind?: string;
  effect: ApprovalEffect;
  /** Who may approve held calls (user or group refs); default: the user who asked. */
  approvers?: string[];
}

/** What a changing tool call is about, for rules that name a cluster, namespace or kind. */
export interface CallTarget {
  cluster?: string;
  namespace?: string;
  kind?: string;
}

export interface ApprovalDecisionResult {
  effect: ApprovalEffect;
  reason: string;
  approvers?: string[];
}

const EFFECTS: ApprovalEffect[] = ['allow', 'deny', 'require-approval'];

// Kyverno's wildcard matcher: linear time whatever the pattern (a RegExp with `.*` per star
// backtracks), as triage rules and policies already match.
function glob(pattern: string, value: string | undefined): boolean {
  if (pattern === '*') return true;
  return value !== undefined && wildcardMatch(pattern, value);
}

/** Reads `hermes.approvals.rules`, failing start-up with the key of a bad entry. */
export function readApprovalRules(config: Config): ApprovalRule[] {
  return (config.getOptionalConfigArray('hermes.approvals.rules') ?? []).map(
    (rule, index) => {
      const effect = rule.getString('effect') as ApprovalEffect;
      if (!EFFECTS.includes(effect)) {
        throw new Error(
          `hermes.approvals.rules[${index}].effect: "${effect}" is not one of ${EFFECTS.join(
            ', ',
          )}`,
        );
      }
      return {
        tool: rule.getString('tool'),
        cluster: rule.getOptionalString('cluster'),
        namespace: rule.getOptionalString('namespace'),
        kind: rule.getOptionalString('kind'),
        effect,
        approvers: rule.getOptionalStringArray('approvers'),
      };
    },
  );
}

/**
 * What happens to a call of a tool that changes something: the first rule that matches
 * decides; with none, the call is denied. Read-only tools never come here.
 */
export function decideApproval(
  rules: ApprovalRule[],
  tool: string,
  target: CallTarget,
): ApprovalDecisionResult {
  const index = rules.findIndex(
    rule =>
      glob(rule.tool, tool) &&
      (rule.cluster === undefined || glob(rule.cluster, target.cluster)) &&
      (rule.namespace === undefined ||
        glob(rule.namespace, target.namespace)) &&
      (rule.kind === undefined || glob(rule.kind, target.kind)),
  );
  if (index < 0) {
    return {
      effect: 'deny',
      reason: `no rule in hermes.approvals.rules allows ${tool}, so it is denied`,
    };
  }
  const rule = rules[index];
  const scope = [
    rule.cluster && `cluster ${rule.cluster}`,
    rule.namespace && `namespace ${rule.namespace}`,
    rule.kind && `kind ${rule.kind}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    effect: rule.effect,
    reason: `hermes.approvals.rules[${index}] (${rule.tool}${
      scope ? `, ${scope}` : ''
    }): ${rule.effect}`,
    approvers: rule.approvers,
  };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(key => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Binds an approval to one exact call: the tool and its arguments, key order ignored. */
export function callHash(tool: string, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([tool, canonical(input)]))
    .digest('hex');
}
