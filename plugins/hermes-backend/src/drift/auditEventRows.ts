import { KubernetesAuditEvent } from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { AuditEventRow } from './tables';

// The writes a cluster's API server reported, kept to name the users behind later drift.

export async function addAuditEvents(
  db: Knex,
  cluster: string,
  events: KubernetesAuditEvent[],
): Promise<number> {
  // Cut to the column widths (and without NUL, which PostgreSQL refuses): a hostile or
  // broken event is stored as far as it fits instead of failing the whole batch.
  const fit = <T extends string | undefined>(value: T, width = 255): T =>
    value?.replaceAll('\u0000', '').slice(0, width) as T;
  const rows = events
    .filter(
      e =>
        ['create', 'update', 'patch'].includes(e.verb ?? '') &&
        (e.stage === undefined || e.stage === 'ResponseComplete') &&
        (e.responseStatus?.code === undefined || e.responseStatus.code < 300) &&
        e.objectRef?.name &&
        e.user?.username,
    )
    .map(e => ({
      cluster,
      event_time: new Date(
        e.stageTimestamp ?? e.requestReceivedTimestamp ?? Date.now(),
      ),
      verb: e.verb!,
      username: fit(e.user!.username!),
      api_group: fit(e.objectRef!.apiGroup ?? ''),
      resource: fit(e.objectRef!.resource) ?? null,
      namespace: fit(e.objectRef!.namespace) ?? null,
      name: fit(e.objectRef!.name!),
      subresource: fit(e.objectRef!.subresource, 64) ?? null,
      field_manager:
        fit(/[?&]fieldManager=([^&]+)/.exec(e.requestURI ?? '')?.[1]) ?? null,
    }));
  for (let i = 0; i < rows.length; i += 200) {
    await db('hermes_kubernetes_audit_events').insert(rows.slice(i, i + 200));
  }
  return rows.length;
}

export async function listAuditEvents(
  db: Knex,
  cluster: string,
  since: Date,
): Promise<KubernetesAuditEvent[]> {
  const rows: AuditEventRow[] = await db('hermes_kubernetes_audit_events')
    .where({ cluster })
    .andWhere('event_time', '>=', since)
    .orderBy('event_time');
  return rows.map(row => {
    const time = toIso(row.event_time);
    return {
      verb: row.verb,
      stage: 'ResponseComplete',
      user: { username: row.username },
      objectRef: {
        apiGroup: row.api_group,
        ...(row.resource ? { resource: row.resource } : {}),
        ...(row.namespace ? { namespace: row.namespace } : {}),
        name: row.name,
        ...(row.subresource ? { subresource: row.subresource } : {}),
      },
      ...(row.field_manager
        ? { requestURI: `?fieldManager=${row.field_manager}` }
        : {}),
      stageTimestamp: time,
    };
  });
}
