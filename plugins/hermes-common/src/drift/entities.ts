import { DriftFinding } from './types';

/** The annotations the Backstage Kubernetes plugin uses to map an entity to its objects. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

/** One term of a label selector: `key=value`, `key!=value`, `key` or `!key`. */
type SelectorTerm =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'exists' | '!exists' };

function parseSelector(selector: string): SelectorTerm[] {
  return selector
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map((term): SelectorTerm => {
      const notEqual = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
      if (notEqual) return { key: notEqual[1], op: '!=', value: notEqual[2] };
      const equal = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
      if (equal) return { key: equal[1], op: '=', value: equal[2] };
      if (term.startsWith('!')) return { key: term.slice(1), op: '!exists' };
      return { key: term, op: 'exists' };
    });
}

function selectorMatches(
  selector: string,
  labels: Record<string, string>,
): boolean {
  return parseSelector(selector).every(term => {
    switch (term.op) {
      case '=':
        return labels[term.key] === term.value;
      case '!=':
        return labels[term.key] !== term.value;
      case 'exists':
        return term.key in labels;
      default:
        return !(term.key in labels);
    }
  });
}

/**
 * Whether a finding is about one of an entity's workloads, the way the Kubernetes plugin maps
 * them: the `backstage.io/kubernetes-id` label, or the entity's label selector, within the
 * entity's namespace when it names one (cluster-scoped objects are never excluded by it).
 */
export function findingBelongsToEntity(
  finding: DriftFinding,
  annotations: Record<string, string>,
): boolean {
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
  const labels = finding.labels ?? {};
  const selected = selector
    ? selectorMatches(selector, labels)
    : id !== undefined && labels[KUBERNETES_ID_ANNOTATION] === id;
  if (!selected) return false;
  return (
    !namespace ||
    finding.resource.namespace === undefined ||
    finding.resource.namespace === namespace
  );
}

/**
 * What every finding of an entity has, for a store to narrow its query before the exact
 * check: the labels it must carry with their values, and its namespace when the entity names
 * one (cluster-scoped findings included). Undefined when the entity maps to no workloads.
 */
export function entityFindingFilter(
  annotations: Record<string, string>,
): { labels: Record<string, string>; namespace?: string } | undefined {
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
  let labels: Record<string, string>;
  if (selector) {
    labels = {};
    for (const term of parseSelector(selector))
      if (term.op === '=') labels[term.key] = term.value;
  } else if (id !== undefined) {
    labels = { [KUBERNETES_ID_ANNOTATION]: id };
  } else {
    return undefined;
  }
  return { labels, ...(namespace ? { namespace } : {}) };
}
