import {
  Attribution,
  DriftFinding,
  SeenDrift,
  SimilarDrift,
  similarDriftOf,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { parse } from './rows';
import { FindingRow, ResolutionRow } from './tables';

type Row = Pick<
  FindingRow,
  'fingerprint' | 'cluster' | 'kind' | 'type' | 'attribution'
> & { resolution: ResolutionRow['resolution'] | null };

/**
 * Similar drift of each finding within the window (see `similarDriftOf`), in one query for
 * all findings: each distinct drift of the findings' clusters and kinds seen in the window,
 * from its latest finding (for the writer's class), with its latest label.
 */
export async function similarHistory(
  db: Knex,
  findings: Array<
    Pick<DriftFinding, 'fingerprint' | 'cluster' | 'type' | 'attribution'> & {
      resource: Pick<DriftFinding['resource'], 'kind'>;
    }
  >,
  windowDays: number,
): Promise<Map<string, SimilarDrift>> {
  if (findings.length === 0) return new Map();
  const since = new Date(Date.now() - windowDays * 86_400_000);
  // Few clusters and kinds per audit: these lists stay far below parameter limits.
  const latestPerDrift = db('hermes_drift_findings')
    .max('id')
    .whereIn('cluster', [...new Set(findings.map(f => f.cluster))])
    .whereIn('kind', [...new Set(findings.map(f => f.resource.kind))])
    .whereIn('type', [...new Set(findings.map(f => f.type))])
    // A version seen in the window counts, however long ago it was first seen.
    .andWhere('last_seen_at', '>=', since)
    .groupBy('fingerprint');
  const rows: Row[] = await db('hermes_drift_findings as f')
    .select(
      'f.fingerprint',
      'f.cluster',
      'f.kind',
      'f.type',
      'f.attribution',
      'r.resolution',
    )
    .leftJoin('hermes_drift_resolutions as r', join =>
      join.on(
        'r.id',
        '=',
        db.raw(
          '(select max(r2.id) from hermes_drift_resolutions r2 where r2.fingerprint = f.fingerprint and r2.undone_at is null and r2.silence_until is null)',
        ),
      ),
    )
    .whereIn('f.id', latestPerDrift);
  const seen: SeenDrift[] = rows.map(row => {
    const writer = parse<Attribution | undefined>(row.attribution, undefined);
    return {
      fingerprint: row.fingerprint,
      cluster: row.cluster,
      kind: row.kind,
      type: row.type,
      ...(writer?.class ? { managerClass: writer.class } : {}),
      ...(row.resolution ? { resolution: row.resolution } : {}),
    };
  });
  return similarDriftOf(findings, seen, windowDays);
}
