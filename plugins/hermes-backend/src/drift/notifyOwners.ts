import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DriftFinding,
  findingBelongsToEntity,
} from '@hermes-backstage/plugin-hermes-common';
import { workloadEntities } from './workloads';

/** When to ask the catalog again while it knows no workloads yet (it loads after start-up). */
const RETRY_DELAYS_MS = [30_000, 120_000, 600_000];

/**
 * Sends a Backstage notification to the owners of each entity whose workloads have critical
 * drift. The notification scope names the findings, so a later audit that finds the same
 * drift updates the notification instead of sending another. Returns the entities notified.
 *
 * Right after a start the catalog may not have loaded its entities yet, and no owner would be
 * found: while no entity maps to any workload, it asks again later (`retryDelaysMs`).
 */
export async function notifyOwnersOfCriticalDrift(options: {
  cluster: string;
  findings: DriftFinding[];
  catalog: CatalogService;
  auth: AuthService;
  notifications: NotificationService;
  logger: LoggerService;
  retryDelaysMs?: number[];
}): Promise<string[]> {
  const critical = options.findings.filter(
    f => f.classification === 'critical',
  );
  if (critical.length === 0) return [];
  const items = await workloadEntities(
    options.catalog,
    await options.auth.getOwnServiceCredentials(),
  );
  if (items.length === 0) {
    const [delay, ...later] = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    options.logger.info(
      `Critical drift in ${
        options.cluster
      }: no catalog entity maps to a workload yet${
        delay === undefined
          ? '; nobody was notified'
          : `; asking the catalog again in ${delay / 1000} s`
      }`,
    );
    if (delay !== undefined)
      setTimeout(
        () =>
          notifyOwnersOfCriticalDrift({
            ...options,
            retryDelaysMs: later,
          }).catch(error =>
            options.logger.warn(
              `Could not notify owners of critical drift: ${error}`,
            ),
          ),
        delay,
      ).unref();
    return [];
  }
  const notified: string[] = [];
  for (const entity of items) {
    const mine = critical.filter(f =>
      findingBelongsToEntity(f, entity.metadata.annotations ?? {}),
    );
    if (mine.length === 0) continue;
    const entityRef = stringifyEntityRef(entity);
    const { kind, namespace = 'default', name } = entity.metadata as any;
    await options.notifications.send({
      recipients: { type: 'entity', entityRef },
      payload: {
        title: `Critical drift on ${entity.metadata.name} in ${options.cluster}`,
        description: mine
          .map(
            f => `${f.resource.kind} ${f.resource.name}: ${f.reason ?? f.type}`,
          )
          .join('\n'),
        link: `/catalog/${namespace}/${(
          kind ?? entity.kind
        ).toLowerCase()}/${name}/drift`,
        severity: 'critical',
        topic: 'hermes-drift',
        scope: `hermes-drift:${entityRef}:${mine
          .map(f => f.fingerprint)
          .sort()
          .join(',')}`,
      },
    });
    notified.push(entityRef);
  }
  options.logger.info(
    `Critical drift in ${options.cluster}: notified the owners of ${notified.length} entities`,
  );
  return notified;
}
