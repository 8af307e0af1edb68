import { NotFoundError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  KubernetesObject,
} from '@hermes-backstage/plugin-hermes-common';
import { z } from 'zod';
import { ClusterDefinition } from '../../kubernetes/clusters';
import { KubernetesLiveSource } from '../../kubernetes/KubernetesLiveSource';
import { defineTool } from './types';

// Workload kinds an entity owns. Secrets are deliberately absent: their values never leave
// the cluster.
const KINDS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Pod: 'v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  InferenceService: 'serving.kserve.io/v1beta1',
  KnativeService: 'serving.knative.dev/v1',
};

/** The parts of a live object worth a model's attention: no managedFields, no data values. */
function summarize(object: KubernetesObject) {
  const { metadata = {}, spec, status } = object as any;
  const containers = (spec?.template?.spec ?? spec)?.containers as
    | any[]
    | undefined;
  return {
    kind: object.kind,
    namespace: metadata.namespace,
    name: metadata.name,
    labels: metadata.labels,
    created: metadata.creationTimestamp,
    ...(object.kind === 'ConfigMap'
      ? { keys: Object.keys((object as any).data ?? {}) }
      : {}),
    replicas: spec?.replicas,
    images: containers?.map(c => c.image),
    status: status && {
      phase: status.phase,
      replicas: status.replicas,
      readyReplicas: status.readyReplicas ?? status.availableReplicas,
      conditions: status.conditions?.map((c: any) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
      })),
      url: status.url,
    },
  };
}

/**
 * Read-only Kubernetes access for an entity's workloads, found the way the Kubernetes plugin
 * finds them (kubernetes-id label or label selector, namespace annotation). List calls only.
 */
export function kubernetesTools(options: {
  clusters: ClusterDefinition[];
  catalog: CatalogService;
  /** For tests: how to reach a cluster. */
  sourceFor?: (cluster: ClusterDefinition) => KubernetesLiveSource;
}) {
  const { clusters, catalog } = options;
  const sourceFor =
    options.sourceFor ??
    ((cluster: ClusterDefinition) =>
      new KubernetesLiveSource(cluster, { timeoutMs: 15_000 }));
  return [
    defineTool({
      name: 'kubernetes_list',
      description: `List live objects of an entity's workloads (kinds: ${Object.keys(
        KINDS,
      ).join(', ')}) with replicas, images and status conditions. Clusters: ${
        clusters.map(c => c.name).join(', ') || 'none configured'
      }.`,
      input: z.object({
        entityRef: z
          .string()
          .optional()
          .describe(
            'Entity whose workloads to list; default the chat’s entity',
          ),
        kind: z.enum(Object.keys(KINDS) as [string, ...string[]]),
        cluster: z.string().optional().describe('Default: every cluster'),
        name: z.string().optional().describe('Only objects with this name'),
      }),
      changes: false,
      async execute(input, context) {
        const entityRef = input.entityRef ?? context.entityRef;
        if (!entityRef)
          throw new InputError(
            'kubernetes_list needs an entityRef: it lists only an entity’s workloads',
          );
        const entity = await catalog.getEntityByRef(entityRef, {
          credentials: context.credentials,
        });
        if (!entity)
          throw new NotFoundError(
            `No entity ${entityRef}, or you may not read it`,
          );
        const annotations = entity.metadata.annotations ?? {};
        const selector =
          annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ??
          (annotations[KUBERNETES_ID_ANNOTATION]
            ? `${KUBERNETES_ID_ANNOTATION}=${annotations[KUBERNETES_ID_ANNOTATION]}`
            : undefined);
        if (!selector)
          throw new InputError(
            `${entityRef} has no ${KUBERNETES_ID_ANNOTATION} or ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} annotation, so it maps to no workloads`,
          );
        const targets = input.cluster
          ? clusters.filter(c => c.name === input.cluster)
          : clusters;
        if (targets.length === 0)
          throw new InputError(
            `Unknown cluster "${input.cluster}"; configured: ${
              clusters.map(c => c.name).join(', ') || 'none'
            }`,
          );
        const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
        const results = [];
        for (const cluster of targets) {
          const state = await sourceFor(cluster).read(
            [{ apiVersion: KINDS[input.kind], kind: input.kind }],
            namespace ? [namespace] : undefined,
            selector,
          );
          results.push({
            cluster: cluster.name,
            objects: state.objects
              .filter(o => !input.name || o.metadata?.name === input.name)
              .slice(0, 50)
              .map(summarize),
            errors: state.errors.map(e => e.message),
          });
        }
        return { entityRef, selector, namespace, clusters: results };
      },
    }),
  ];
}
