import { KubernetesObject } from '../policy/documents';
import { wildcardMatch } from '../policy/wildcard';
import { diffDeclaredFields, isMap, RawChange } from './diff';
import { attributeField, ManagedFieldsEntry } from './managedFields';
import { diffSecretData, withoutSecrets } from './secrets';
import { triageFinding, TriageRule } from './triage';
import {
  Attribution,
  DriftFinding,
  DriftType,
  FieldChange,
  ResourceRef,
} from './types';

/** Argo CD's `ignoreDifferences` entry (jqPathExpressions are not supported). */
export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  managedFieldsManagers?: string[];
}

export interface DriftAuditInput {
  cluster: string;
  desired: KubernetesObject[];
  live: KubernetesObject[];
  /** Kinds whose live objects must all be in Git; others are compared only when declared. */
  watchedKinds?: string[];
  /** Only these namespaces (cluster-scoped objects are always included). */
  namespaces?: string[];
  ignoreDifferences?: IgnoreDifference[];
  triageRules?: TriageRule[];
  /** Namespace for desired objects that name none. Default "default". */
  defaultNamespace?: string;
  /**
   * Whether to report `extra` objects. Turn it off when the desired state could not be read
   * completely, or every object it failed to read would look extra.
   */
  reportExtra?: boolean;
}

/** Kinds that have no namespace, so a desired object without one is not put in a default. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterPolicy',
  'ClusterServingRuntime',
  'ClusterIssuer',
  'ClusterSecretStore',
]);

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function refOf(
  object: KubernetesObject,
  defaultNamespace: string,
): ResourceRef {
  const namespace = CLUSTER_SCOPED.has(object.kind)
    ? undefined
    : object.metadata.namespace ?? defaultNamespace;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace,
    name: object.metadata.name ?? '',
  };
}

// Objects are the same across API versions (v1beta1 in Git, v1 from the server).
function keyOf(ref: ResourceRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${
    ref.name
  }`;
}

/** A short stable hash (FNV-1a) for finding fingerprints; no crypto needed. */
function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2
    .toString(16)
    .padStart(8, '0')}`;
}

/** An object's labels as strings; a malformed labels field in Git is read as none. */
function labelsOf(object: KubernetesObject): Record<string, string> {
  const labels: unknown = object.metadata.labels;
  if (!isMap(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The well-formed entries of managedFields; a snapshot may hold anything there. */
function managedFieldsOf(object: KubernetesObject): ManagedFieldsEntry[] {
  const entries: unknown = object.metadata.managedFields;
  return Array.isArray(entries)
    ? entries.filter(e => isMap(e) && typeof e.manager === 'string')
    : [];
}

function ignoresFor(
  rules: IgnoreDifference[],
  ref: ResourceRef,
): IgnoreDifference[] {
  return rules.filter(
    r =>
      wildcardMatch(r.kind, ref.kind) &&
      (r.group === undefined ||
        wildcardMatch(r.group, groupOf(ref.apiVersion))) &&
      (!r.name || wildcardMatch(r.name, ref.name)) &&
      (!r.namespace || wildcardMatch(r.namespace, ref.namespace ?? '')),
  );
}

function latest(
  attributions: Array<Attribution | undefined>,
): Attribution | undefined {
  return attributions
    .filter((a): a is Attribution => !!a)
    .sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))[0];
}

function makeFinding(
  input: DriftAuditInput,
  ref: ResourceRef,
  type: DriftType,
  changes: FieldChange[],
  labels: Record<string, string>,
  attribution?: Attribution,
): DriftFinding {
  const finding: DriftFinding = {
    fingerprint: fingerprint(
      `${input.cluster}|${keyOf(ref)}|${type}|${changes
        .map(c => c.path)
        .join(',')}`,
    ),
    cluster: input.cluster,
    resource: ref,
    labels,
    type,
    changes,
    classification: 'unknown',
    ...(attribution ? { attribution } : {}),
  };
  return {
    ...finding,
    ...triageFinding(finding, input.triageRules ?? [], labels),
  };
}

/**
 * Compares desired and live state: `modified` (declared fields that differ, each attributed
 * from managedFields), `missing` (in Git, not live) and `extra` (live in a watched kind, not in
 * Git). Findings are triaged by the rules from skills. Secret values never appear.
 */
export function auditDrift(input: DriftAuditInput): DriftFinding[] {
  const defaultNamespace = input.defaultNamespace ?? 'default';
  const inScope = (ref: ResourceRef) =>
    !input.namespaces ||
    ref.namespace === undefined ||
    input.namespaces.includes(ref.namespace);
  const live = new Map<string, KubernetesObject>();
  for (const object of input.live) {
    const ref = refOf(object, defaultNamespace);
    if (inScope(ref)) live.set(keyOf(ref), object);
  }
  const findings: DriftFinding[] = [];
  const declared = new Set<string>();

  for (const desired of input.desired) {
    const ref = refOf(desired, defaultNamespace);
    if (!inScope(ref)) continue;
    const key = keyOf(ref);
    declared.add(key);
    const actual = live.get(key);
    const labels = { ...labelsOf(desired), ...(actual && labelsOf(actual)) };
    if (!actual) {
      findings.push(makeFinding(input, ref, 'missing', [], labels));
      continue;
    }
    const ignores = ignoresFor(input.ignoreDifferences ?? [], ref);
    const pointers = ignores.flatMap(i => i.jsonPointers ?? []);
    const ignoredManagers = ignores.flatMap(i => i.managedFieldsManagers ?? []);
    const ignorePointer = (p: string) =>
      pointers.some(ip => p === ip || p.startsWith(`${ip}/`));
    const withheld = new Set(
      desired.kind === 'Secret'
        ? diffSecretData(desired, actual).filter(c => !ignorePointer(c.path))
        : [],
    );
    const raw: RawChange[] = [
      ...diffDeclaredFields(
        withoutSecrets(desired),
        withoutSecrets(actual),
        ignorePointer,
      ),
      ...withheld,
    ];
    const managedFields = managedFieldsOf(actual);
    const changes: FieldChange[] = [];
    for (const change of raw) {
      const attribution = attributeField(managedFields, change.segments);
      if (attribution && ignoredManagers.includes(attribution.manager))
        continue;
      changes.push({
        path: change.path,
        ...(withheld.has(change)
          ? { redacted: true }
          : { desired: change.desired, live: change.live }),
        ...(attribution ? { attribution } : {}),
      });
    }
    if (changes.length) {
      findings.push(
        makeFinding(
          input,
          ref,
          'modified',
          changes,
          labels,
          latest(changes.map(c => c.attribution)),
        ),
      );
    }
  }

  const watched = input.reportExtra === false ? [] : input.watchedKinds ?? [];
  for (const [key, object] of live) {
    if (declared.has(key) || !watched.some(k => wildcardMatch(k, object.kind)))
      continue;
    const managed = managedFieldsOf(object);
    const creator = latest(
      managed.map(m => attributeField([m], [{ key: 'metadata' }])),
    );
    findings.push(
      makeFinding(
        input,
        refOf(object, defaultNamespace),
        'extra',
        [],
        labelsOf(object),
        creator,
      ),
    );
  }
  return findings;
}
