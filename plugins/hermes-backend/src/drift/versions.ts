import {
  DriftFinding,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { DbTime } from '../database/dates';
import { inChunks } from './labels';
import { SourceLinks } from './links';
import { AuditRow, DriftRow, FindingRow } from './tables';

// A finding row is a version of a drift's finding (migrations/20261130000011_finding_versions.js):
// an audit that sees what the previous run of its scope saw extends that row instead of copying
// it, so an unchanged finding costs one batched UPDATE per run and no new row. An audit's
// findings are the versions of its cluster and scope whose [found_at, last_seen_at] holds the
// time it recorded them (its finished_at). That is exact because a version is only extended by
// the run recorded right after the one that last saw it: any run of the scope in between either
// saw the same content (and extended it) or ended the version.

export type FindingToStore = DriftFinding & {
  suggestion?: TriageSuggestion;
  links?: SourceLinks;
};

/** The audit (name, or cluster for audits from before names were stored) a run belongs to. */
export const scopeOf = (audit: Pick<AuditRow, 'name' | 'cluster'>) =>
  audit.name ?? audit.cluster;

/** What a finding says; a version is extended only while all of it stays the same. */
const CONTENT = [
  'api_version',
  'kind',
  'namespace',
  'name',
  'type',
  'classification',
  'skill',
  'reason',
  'recommend',
  'changes',
  'attribution',
  'labels',
  'links',
  'suggestion_classification',
  'suggestion_reason',
  'suggestion_model',
] as const;

type NewRow = Omit<FindingRow, 'id'>;

function sameContent(stored: FindingRow, next: NewRow): boolean {
  if (CONTENT.some(c => (stored[c] ?? null) !== (next[c] ?? null)))
    return false;
  // PostgreSQL keeps the confidence as a 4-byte real.
  const a = stored.suggestion_confidence;
  const b = next.suggestion_confidence;
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === (b ?? null);
  return Math.fround(Number(a)) === Math.fround(Number(b));
}

export function findingRow(
  f: FindingToStore,
  run: { auditId: string; scope: string; at: Date },
): NewRow {
  return {
    audit_id: run.auditId,
    last_audit_id: run.auditId,
    scope: run.scope,
    fingerprint: f.fingerprint,
    cluster: f.cluster,
    api_version: f.resource.apiVersion,
    kind: f.resource.kind,
    namespace: f.resource.namespace ?? null,
    name: f.resource.name,
    labels: JSON.stringify(f.labels ?? {}),
    type: f.type,
    classification: f.classification,
    skill: f.skill ?? null,
    reason: f.reason ?? null,
    recommend: f.recommend ?? null,
    changes: JSON.stringify(f.changes),
    attribution: f.attribution ? JSON.stringify(f.attribution) : null,
    found_at: run.at,
    last_seen_at: run.at,
    suggestion_classification: f.suggestion?.classification ?? null,
    suggestion_reason: f.suggestion?.reason ?? null,
    suggestion_confidence: f.suggestion?.confidence ?? null,
    suggestion_model: f.suggestion?.model ?? null,
    links: f.links ? JSON.stringify(f.links) : null,
  };
}

/** The run of the same cluster and scope recorded last before this one, if any. */
async function previousRun(
  tx: Knex,
  audit: AuditRow,
): Promise<Pick<AuditRow, 'id' | 'finished_at'> | undefined> {
  return tx<AuditRow>('hermes_drift_audits')
    .select('id', 'finished_at')
    .where({ cluster: audit.cluster, status: 'succeeded' })
    .whereRaw('coalesce(name, cluster) = ?', [scopeOf(audit)])
    .whereNot({ id: audit.id })
    .orderBy('finished_at', 'desc')
    .first();
}

const SEEN = [
  'id',
  'fingerprint',
  'cluster',
  'kind',
  'namespace',
  'name',
  'type',
] as const;
export type Seen = Pick<FindingRow, (typeof SEEN)[number]>;

/**
 * Stores a run's findings as versions: extends the version of each drift that the previous run
 * of the scope saw with the same content, inserts the rest. Returns the time the run recorded
 * them (strictly after the previous run's, so runs of a scope never share one) and the version
 * of each finding, oldest first.
 */
export async function recordFindings(
  tx: Knex.Transaction,
  run: { audit: AuditRow; findings: FindingToStore[]; now: Date },
): Promise<{ at: Date; seen: Seen[] }> {
  const { audit } = run;
  const scope = scopeOf(audit);
  const previous = await previousRun(tx, audit);
  const after = previous?.finished_at
    ? new Date(previous.finished_at).getTime() + 1
    : -Infinity;
  const at = new Date(Math.max(run.now.getTime(), after));
  const rows = run.findings.map(f =>
    findingRow(f, { auditId: audit.id, scope, at }),
  );

  const candidates = new Map<string, FindingRow>();
  if (previous) {
    const fingerprints = [...new Set(rows.map(r => r.fingerprint))];
    const ongoing = await inChunks(
      fingerprints,
      chunk =>
        tx<DriftRow>('hermes_drift_drifts')
          .select('last_finding_id')
          .whereIn('fingerprint', chunk)
          .whereNotNull('current_episode_id') as Promise<
          Array<Pick<DriftRow, 'last_finding_id'>>
        >,
    );
    const versions = await inChunks(
      ongoing.map(d => String(d.last_finding_id)),
      chunk =>
        tx<FindingRow>('hermes_drift_findings')
          .whereIn('id', chunk.map(Number))
          .where({
            last_audit_id: previous.id,
            scope,
            cluster: audit.cluster,
          }) as Promise<FindingRow[]>,
    );
    for (const v of versions) candidates.set(v.fingerprint, v);
  }

  const extended: FindingRow[] = [];
  const inserted: NewRow[] = [];
  for (const row of rows) {
    const version = candidates.get(row.fingerprint);
    // A fingerprint twice in one run extends its version once.
    candidates.delete(row.fingerprint);
    if (version && sameContent(version, row)) extended.push(version);
    else inserted.push(row);
  }
  await inChunks(
    extended.map(v => String(v.id)),
    async chunk => {
      await tx('hermes_drift_findings')
        .whereIn('id', chunk.map(Number))
        .update({ last_audit_id: audit.id, last_seen_at: at });
      return [];
    },
  );
  for (let i = 0; i < inserted.length; i += 200)
    await tx('hermes_drift_findings').insert(inserted.slice(i, i + 200));
  const fresh: Seen[] = inserted.length
    ? await tx('hermes_drift_findings')
        .select(SEEN)
        .where({ audit_id: audit.id })
    : [];
  const seen: Seen[] = [...extended, ...fresh].map(
    ({ id, fingerprint, cluster, kind, namespace, name, type }) => ({
      ...{ id, fingerprint, cluster, kind, namespace, name, type },
    }),
  );
  seen.sort((a, b) => Number(a.id) - Number(b.id));
  return { at, seen };
}

/**
 * Narrows a findings query to one audit's: the versions of its cluster and scope it saw. A run
 * that is not a success stored none.
 */
export function whereSeenBy(
  q: Knex.QueryBuilder,
  audit: Pick<AuditRow, 'cluster' | 'name'> & { finished_at: DbTime },
  alias = 'f',
): Knex.QueryBuilder {
  return q
    .where(`${alias}.cluster`, audit.cluster)
    .where(`${alias}.scope`, scopeOf(audit))
    .where(`${alias}.last_seen_at`, '>=', audit.finished_at)
    .where(`${alias}.found_at`, '<=', audit.finished_at);
}

/**
 * A version as its last audit saw it: that audit and its time, as a finding row was before
 * rows became versions.
 */
export function asLastSeen<T extends FindingRow>(row: T): T {
  return {
    ...row,
    audit_id: row.last_audit_id ?? row.audit_id,
    found_at: row.last_seen_at ?? row.found_at,
  };
}
