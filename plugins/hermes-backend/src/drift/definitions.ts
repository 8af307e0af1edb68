import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { IgnoreDifference } from '@hermes-backstage/plugin-hermes-common';
import { ClusterDefinition } from '../kubernetes/clusters';

/** One entry of `hermes.audits`. */
export interface AuditDefinition {
  name: string;
  cluster: string;
  /** `path` is the folder inside the `url` tree to start from, e.g. clusters/prod. */
  desired: {
    directory?: string;
    url?: string;
    path?: string;
    argocdApplication?: string;
  };
  /** A directory of `kubectl get -o yaml` output; without it the cluster's API is read. */
  liveSnapshot?: string;
  /** Kubernetes audit events (JSON lines) to name the user behind each change. */
  auditLog?: string;
  /** When to run on Backstage's scheduler; without it the audit runs only on request. */
  schedule?: SchedulerServiceTaskScheduleDefinition;
  namespaces?: string[];
  /** `group/version/Kind` of kinds whose live objects must all be in Git. */
  watchedKinds: string[];
  ignoreDifferences: IgnoreDifference[];
}

export function readAuditDefinitions(
  config: Config,
  clusters: ClusterDefinition[],
): AuditDefinition[] {
  return (config.getOptionalConfigArray('hermes.audits') ?? []).map(
    (audit, i) => {
      const name = audit.getString('name');
      const cluster = audit.getString('cluster');
      const liveSnapshot = audit.getOptionalString('live.snapshot');
      if (!liveSnapshot && !clusters.some(c => c.name === cluster)) {
        throw new Error(
          `hermes.audits[${i}].cluster: unknown cluster "${cluster}"; configured clusters: ${
            clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
      }
      const desired = {
        directory: audit.getOptionalString('desired.directory'),
        url: audit.getOptionalString('desired.url'),
        argocdApplication: audit.getOptionalString('desired.argocdApplication'),
      };
      const subPath = audit.getOptionalString('desired.path');
      if (Object.values(desired).filter(Boolean).length !== 1) {
        throw new Error(
          `hermes.audits[${i}].desired: set exactly one of directory, url or argocdApplication`,
        );
      }
      if (desired.argocdApplication && !config.has('hermes.argocd.baseUrl')) {
        throw new Error(
          `hermes.audits[${i}].desired.argocdApplication needs hermes.argocd.baseUrl and hermes.argocd.token`,
        );
      }
      return {
        name,
        cluster,
        desired: { ...desired, ...(subPath ? { path: subPath } : {}) },
        liveSnapshot,
        auditLog: audit.getOptionalString('auditLog'),
        schedule: audit.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              audit.getConfig('schedule'),
            )
          : undefined,
        namespaces: audit.getOptionalStringArray('namespaces'),
        watchedKinds: audit.getOptionalStringArray('watchedKinds') ?? [
          'kyverno.io/v1/ClusterPolicy',
          'kyverno.io/v1/Policy',
        ],
        ignoreDifferences: (
          audit.getOptionalConfigArray('ignoreDifferences') ?? []
        ).map(d => ({
          group: d.getOptionalString('group'),
          kind: d.getString('kind'),
          name: d.getOptionalString('name'),
          namespace: d.getOptionalString('namespace'),
          jsonPointers: d.getOptionalStringArray('jsonPointers'),
          managedFieldsManagers: d.getOptionalStringArray(
            'managedFieldsManagers',
          ),
        })),
      };
    },
  );
}
