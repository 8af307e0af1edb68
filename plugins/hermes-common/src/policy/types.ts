import { Conditions } from './conditions';
import { MatchBlock } from './match';

export interface ForEachValidation {
  list: string;
  elementScope?: boolean;
  preconditions?: Conditions;
  pattern?: unknown;
  anyPattern?: unknown[];
  deny?: { conditions?: Conditions };
  foreach?: ForEachValidation[];
  context?: ContextEntry[];
}

export interface ContextEntry {
  name: string;
  variable?: { value?: unknown; jmesPath?: string; default?: unknown };
  configMap?: unknown;
  apiCall?: unknown;
  imageRegistry?: unknown;
  globalReference?: unknown;
}

export interface ValidateRule {
  message?: string;
  failureAction?: string;
  pattern?: unknown;
  anyPattern?: unknown[];
  deny?: { conditions?: Conditions };
  foreach?: ForEachValidation[];
  cel?: unknown;
  podSecurity?: unknown;
  manifests?: unknown;
  assert?: unknown;
}

/** A rule of a Kyverno ClusterPolicy or Policy, as written in YAML. */
export interface KyvernoRule {
  name: string;
  match?: MatchBlock;
  exclude?: MatchBlock;
  context?: ContextEntry[];
  preconditions?: Conditions;
  validate?: ValidateRule;
  mutate?: unknown;
  generate?: unknown;
  verifyImages?: unknown;
}

/** `Warn` comes from the validationActions of CEL policies: failures are reported as warnings. */
export type FailureAction = 'Enforce' | 'Audit' | 'Warn';

/** What a rule's evaluation against one resource produced (Kyverno's rule statuses). */
export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error' | 'warn';
