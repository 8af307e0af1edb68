// What induction works on: each changed field of a labelled finding, and the narrowest
// rule that matches a group of them.
import type { TriageRule } from '../drift/triage';
import type { DriftFinding, DriftType, ManagerClass } from '../drift/types';
import { labelClass } from './labels';
import type { LabelClass, LabelledFinding, TriageRuleInput } from './types';

export type Verdict = 'harmless' | 'critical';
export type Match = TriageRuleInput['match'];

/** One changed field of a labelled finding: what a rule matches. */
export interface Unit {
  item: LabelledFinding;
  label: LabelClass;
  kind: string;
  type: DriftType;
  cluster: string;
  namespace: string;
  path?: string;
  managerClass?: ManagerClass;
  manager?: string;
  /** The finding cut down to this field, as triage sees it. */
  alone: DriftFinding;
}

export interface Context {
  labelled: Array<{ item: LabelledFinding; label: LabelClass }>;
  active: TriageRule[];
  minSupport: number;
}

export function unitsOf(item: LabelledFinding): Unit[] {
  const finding = item.finding;
  const label = labelClass(item.label);
  const targets = finding.changes.length > 0 ? finding.changes : [undefined];
  return targets.map(change => {
    const attribution = change?.attribution ?? finding.attribution;
    return {
      item,
      label,
      kind: finding.resource.kind,
      type: finding.type,
      cluster: finding.cluster,
      namespace: finding.resource.namespace ?? '',
      path: change?.path,
      managerClass: attribution?.class,
      manager: attribution?.manager,
      alone: { ...finding, changes: change ? [change] : [] },
    };
  });
}

const distinct = (values: string[]) => [...new Set(values)].sort();

/** The narrowest rule that matches all the units: every value seen, listed. */
export function specific(units: Unit[], paths: string[] | undefined): Match {
  const [first] = units;
  const match: Match = { kinds: [first.kind], types: [first.type] };
  if (paths) match.paths = paths;
  if (first.managerClass) match.managerClasses = [first.managerClass];
  const managers = units.map(u => u.manager);
  if (managers.every((m): m is string => !!m))
    match.managers = distinct(managers);
  const namespaces = distinct(units.map(u => u.namespace));
  if (namespaces.some(n => n !== '')) match.namespaces = namespaces;
  match.clusters = distinct(units.map(u => u.cluster));
  return match;
}
