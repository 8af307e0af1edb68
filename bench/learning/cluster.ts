// A day of the scenario as files the drift audit reads: desired manifests (as in a GitOps
// repository) and a live snapshot (as `kubectl get -o yaml` prints it, one List per file),
// with `metadata.managedFields` saying which manager wrote each drifted field, how and when,
// so the real engine attributes every change itself.
import { KubernetesObject } from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  ANNOTATIONS,
  CONFIGMAP_NAMES,
  dayStamp,
  DEPLOYMENT_PREFIXES,
  DEPLOYMENTS_PER_SCALE,
  Drift,
  KNATIVE_NAMESPACES,
  POLICIES,
  SECRET_KEYS,
  SECRET_NAMES,
  SECRET_NAMESPACES,
  SERVICES_PER_SCALE,
  TEAMS,
} from './scenario';

type Json = any;

const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { 'app.kubernetes.io/name': name },
});
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every object of the cluster in Git on a day (ml-serving is onboarded on day 12). */
function desiredObjects(scale: number, day: number): KubernetesObject[] {
  const objects: Json[] = [];
  for (const namespace of KNATIVE_NAMESPACES) {
    if (namespace === 'ml-serving' && day < 12) continue;
    for (let i = 1; i <= SERVICES_PER_SCALE * scale; i++) {
      const name = `model-${i}`;
      objects.push({
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: meta(name, namespace),
        spec: {
          template: {
            metadata: {
              annotations: Object.fromEntries(
                ANNOTATIONS.map((a, j) => [
                  `autoscaling.knative.dev/${a}`,
                  ['1', '10', '100', '60s', '1'][j],
                ]),
              ),
            },
            spec: {
              containers: [
                { name: 'model', image: `registry.example.com/ml/${name}:1` },
              ],
            },
          },
        },
      });
    }
  }
  for (const team of TEAMS)
    for (const prefix of DEPLOYMENT_PREFIXES)
      for (let i = 1; i <= DEPLOYMENTS_PER_SCALE * scale; i++) {
        const name = `${prefix}-${i}`;
        const labels = { 'app.kubernetes.io/name': name };
        objects.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta(name, team),
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name: 'app',
                    image: `registry.example.com/${team}/${prefix}:1.4.0`,
                  },
                ],
              },
            },
          },
        });
      }
  for (const namespace of SECRET_NAMESPACES)
    for (const secret of SECRET_NAMES)
      objects.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta(`${secret}-credentials`, namespace),
        type: 'Opaque',
        data: Object.fromEntries(
          SECRET_KEYS.map(k => [k, b64(`demo-initial-${k}`)]),
        ),
      });
  for (const name of POLICIES)
    objects.push({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: meta(name),
      spec: {
        validationFailureAction: 'Enforce',
        background: true,
        rules: [
          {
            name: 'check-images',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            exclude: { any: [{ resources: { namespaces: ['kube-system'] } }] },
            validate: {
              message: 'Images come from the company registry.',
              pattern: {
                spec: { containers: [{ image: 'registry.example.com/*' }] },
              },
            },
          },
        ],
      },
    });
  for (const team of TEAMS)
    for (const name of CONFIGMAP_NAMES)
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(`${name}-config`, team),
        data: { LOG_LEVEL: 'info' },
      });
  return objects;
}

const keyOf = (d: { kind: string; namespace?: string; name: string }): string =>
  `${d.kind}/${d.namespace ?? ''}/${d.name}`;

const unescape = (segment: string) =>
  segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** A managed-fields trie of a whole value: maps by key, lists of named maps by name. */
function trieOf(value: Json): Json {
  if (Array.isArray(value)) {
    if (!value.every(e => typeof e?.name === 'string')) return {};
    return Object.fromEntries(
      value.map(e => [`k:${JSON.stringify({ name: e.name })}`, trieOf(e)]),
    );
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [`f:${k}`, trieOf(v)]),
    );
  return {};
}

/** The trie a manager owns for one field; a list without merge keys is owned whole. */
function trieFor(object: Json, pointer: string): Json {
  const root: Json = {};
  let node = root;
  let value = object;
  for (const segment of pointer.split('/').slice(1).map(unescape)) {
    let key: string;
    if (Array.isArray(value)) {
      const element = value[Number(segment)];
      if (typeof element?.name !== 'string') break;
      key = `k:${JSON.stringify({ name: element.name })}`;
      value = element;
    } else {
      key = `f:${segment}`;
      value = value?.[segment];
    }
    node[key] = {};
    node = node[key];
  }
  return root;
}

function setAt(object: Json, pointer: string, value: unknown) {
  const segments = pointer.split('/').slice(1).map(unescape);
  let node = object;
  for (const s of segments.slice(0, -1)) node = node[s];
  node[segments[segments.length - 1]] = value;
}

function getAt(object: Json, pointer: string): Json {
  let node = object;
  for (const s of pointer.split('/').slice(1).map(unescape)) node = node?.[s];
  return node;
}

/** The live value a drift writes: always different from Git's. */
function liveValue(desired: Json, drift: Drift, day: number, n: number) {
  const was = getAt(desired, drift.path!);
  const v = drift.liveValue ?? 0;
  if (drift.redacted) return b64(`rotated-${day}-${n}`);
  if (drift.path!.endsWith('/replicas')) return 3 + (v % 10);
  if (drift.path!.endsWith('/namespaces')) return [...was, `team-x${v}`];
  if (typeof was === 'boolean') return !was;
  if (drift.path!.endsWith('/validationFailureAction')) return 'Audit';
  if (drift.path!.includes('/pattern/')) return '*';
  if (drift.path!.endsWith('/image')) return `${was}-hotfix.${v}`;
  return String(100 + v);
}

/** The object without apiVersion, kind and metadata: what Git declares beyond its name. */
function declared(object: Json): Json {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = object;
  return rest;
}

const SEVERITY = ['harmless', 'committed', 'reverted', 'critical'];

/** What a day's audit should find on one object, and how the person resolves it. */
export interface PlannedFinding {
  truth: Drift['truth'];
  patterns: string[];
}

/**
 * Writes day `day` under `dir` (desired/ and live/) and returns the planned findings by object
 * (`Kind/namespace/name`). Drift on one object becomes one finding, as in a real cluster: a
 * field written twice keeps its later writer, and the person resolves the finding as its most
 * severe surviving drift.
 */
export function writeDay(
  dir: string,
  scale: number,
  day: number,
  drifts: Drift[],
): Map<string, PlannedFinding> {
  const desired = desiredObjects(scale, day);
  const byObject = new Map<string, Drift[]>();
  for (const d of drifts) {
    const list = byObject.get(keyOf(d)) ?? [];
    // The later write of a field owns it; the earlier one is gone from the cluster.
    const same = list.findIndex(o => o.path === d.path);
    if (same < 0) list.push(d);
    else if (list[same].hour <= d.hour) list[same] = d;
    byObject.set(keyOf(d), list);
  }
  const planned = new Map<string, PlannedFinding>();
  const live: Json[] = [];
  let n = 0;
  for (const object of desired) {
    const key = keyOf({
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name!,
    });
    const own = byObject.get(key) ?? [];
    byObject.delete(key);
    if (own.length) {
      const worst = own.reduce((a, b) =>
        SEVERITY.indexOf(b.truth) > SEVERITY.indexOf(a.truth) ? b : a,
      );
      planned.set(key, {
        truth: worst.truth,
        patterns: [...new Set(own.map(d => d.pattern))],
      });
    }
    if (own.some(d => d.type === 'missing')) continue;
    const copy: Json = JSON.parse(JSON.stringify(object));
    // Git's whole object applied by Argo CD, a month before the scenario starts.
    const managedFields: Json[] = [
      {
        apiVersion: object.apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': trieOf(copy.metadata.labels) },
          ...trieOf(declared(copy)),
        },
        manager: 'argocd-controller',
        operation: 'Apply',
        time: '2026-10-01T00:00:00Z',
      },
    ];
    for (const d of own) {
      setAt(copy, d.path!, liveValue(object, d, day, n++));
      const time = `${dayStamp(day)}T0${d.hour}:00:00Z`;
      managedFields.push({
        apiVersion: object.apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: trieFor(copy, d.path!),
        manager: d.manager,
        operation: 'Update',
        ...(d.subresource ? { subresource: d.subresource } : {}),
        time,
      });
    }
    copy.metadata = {
      ...copy.metadata,
      creationTimestamp: '2026-10-01T00:00:00Z',
      generation: 1 + own.length,
      managedFields,
      resourceVersion: String(4800000 + live.length),
      uid: `00000000-0000-4000-8000-${String(live.length).padStart(12, '0')}`,
    };
    live.push(copy);
  }
  if (byObject.size)
    throw new Error(
      `drift on objects the cluster does not have: ${[...byObject.keys()].join(
        ', ',
      )}`,
    );
  writeFiles(path.join(dir, 'desired'), desired, false, day);
  writeFiles(path.join(dir, 'live'), live, true, day);
  return planned;
}

/** One file per namespace (cluster-scoped objects in their own): manifests or a List. */
function writeFiles(
  dir: string,
  objects: Json[],
  asList: boolean,
  day: number,
) {
  fs.mkdirSync(dir, { recursive: true });
  const groups = new Map<string, Json[]>();
  for (const o of objects) {
    const file = o.metadata.namespace ?? 'cluster';
    groups.set(file, [...(groups.get(file) ?? []), o]);
  }
  for (const [file, list] of groups) {
    const text = asList
      ? `# kubectl get -o yaml, namespace ${file}, ${dayStamp(
          day,
        )} 12:00 UTC\n${stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: list,
        })}`
      : list.map(o => stringify(o)).join('---\n');
    fs.writeFileSync(path.join(dir, `${file}.yaml`), text);
  }
}
