import { DriftFinding } from './types';

/** The annotations the Backstage Kubernetes plugin uses to map an entity to its objects. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

function selectorMatches(
  selector: string,
  labels: Record<string, string>,
): boolean {
  return selector
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .every(term => {
      const notEqual = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
      if (notEqual) return labels[notEqual[1]] !== notEqual[2];
      const equal = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
      if (equal) return labels[equal[1]] === equal[2];
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
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
