import {
  Classification,
  DriftFindingRecord,
  DriftState,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { DbTime, toIso } from '../database/dates';
import {
  endedEpisode,
  eventsByFingerprint,
  inChunks,
  labelsByFingerprint,
} from './labels';
import { currentEvent } from './lifecycle';
import { reportLink, skillLink, SourceLinks } from './links';
import { eventFromRow, findingFromRow, parse } from './rows';
import { similarHistory } from './similar';
import { AuditRow, EpisodeRow, FindingRow } from './tables';
import { asLastSeen, whereSeenBy } from './versions';

// Listing findings: which drift matches (one query, no history), then the history, lifecycle
// and links of just the page a caller reads.

export interface FindingQuery {
  /** One audit's findings; without it, each drift once, as its latest audit found it. */
  auditId?: string;
  cluster?: string;
  namespace?: string;
  classification?: Classification;
  /** Without it, every state. A silence that expired counts as open. */
  state?: DriftState;
  /** Labels and namespace of an entity's workloads: a superset the caller checks exactly. */
  entity?: { labels: Record<string, string>; namespace?: string };
}

/** A finding row with its drift's lifecycle columns (null for drift from before lifecycles). */
export type ListedRow = FindingRow & {
  d_state: DriftState | null;
  d_silence_until: DbTime | null;
  d_verification: 'confirmed' | 'contradicted' | null;
  d_state_reason: string | null;
  d_reopened_at: DbTime | null;
  d_first_seen: DbTime | null;
  d_last_seen: DbTime | null;
  d_episodes: number | string | null;
  d_last_episode_id: number | string | null;
};

// A JSON text column holds `"key":"value"` exactly as JSON.stringify wrote it; LIKE's own
// wildcards in it are escaped.
function jsonPairPattern(key: string, value: string): string {
  const pair = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return `%${pair.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** Matching findings, oldest first, without history: cheap enough to filter before paging. */
export async function queryFindings(
  db: Knex,
  query: FindingQuery,
): Promise<ListedRow[]> {
  const now = new Date();
  const q = db('hermes_drift_findings as f').select(
    'f.*',
    'd.state as d_state',
    'd.silence_until as d_silence_until',
    'd.verification as d_verification',
    'd.state_reason as d_state_reason',
    'd.reopened_at as d_reopened_at',
    'd.first_seen as d_first_seen',
    'd.last_seen as d_last_seen',
    'd.episodes as d_episodes',
    'd.last_episode_id as d_last_episode_id',
  );
  let audit: AuditRow | undefined;
  if (query.auditId) {
    audit = await db<AuditRow>('hermes_drift_audits')
      .where({ id: query.auditId })
      .first();
    // A run that did not succeed stored no findings.
    if (!audit?.finished_at || audit.status !== 'succeeded') return [];
    q.leftJoin('hermes_drift_drifts as d', 'd.fingerprint', 'f.fingerprint');
    whereSeenBy(q, { ...audit, finished_at: audit.finished_at });
  } else {
    q.join('hermes_drift_drifts as d', 'd.last_finding_id', 'f.id');
  }
  if (query.cluster) q.where('f.cluster', query.cluster);
  if (query.namespace) q.where('f.namespace', query.namespace);
  if (query.classification) q.where('f.classification', query.classification);
  if (query.state === 'open') {
    q.where(w =>
      w
        .where('d.state', 'open')
        .orWhere(s =>
          s.where('d.state', 'silenced').andWhere('d.silence_until', '<=', now),
        ),
    );
  } else if (query.state === 'silenced') {
    q.where('d.state', 'silenced').andWhere('d.silence_until', '>', now);
  } else if (query.state === 'resolved') {
    q.where('d.state', 'resolved');
  }
  const { entity } = query;
  if (entity) {
    for (const [key, value] of Object.entries(entity.labels))
      q.whereRaw(`f.labels LIKE ? ESCAPE '\\'`, [jsonPairPattern(key, value)]);
    if (entity.namespace)
      q.where(w =>
        w.where('f.namespace', entity.namespace!).orWhereNull('f.namespace'),
      );
  }
  // Oldest drift first, by the first row it ever had: a drift keeps its place when a later
  // run extends or replaces its row, as it had when every run wrote rows in the engine's order.
  q.orderBy(
    db.raw(
      '(select min(f0.id) from hermes_drift_findings f0 where f0.fingerprint = f.fingerprint)',
    ) as unknown as string,
  ).orderBy('f.id');
  const rows = (await q) as ListedRow[];
  // A version reads as the run asked about saw it, or as the last run that saw it.
  return audit
    ? rows.map(row => ({
        ...row,
        audit_id: audit!.id,
        found_at: audit!.finished_at!,
      }))
    : rows.map(asLastSeen);
}

function effectiveState(row: ListedRow, now: Date): DriftState | undefined {
  if (!row.d_state) return undefined;
  if (
    row.d_state === 'silenced' &&
    row.d_silence_until &&
    new Date(row.d_silence_until) <= now
  )
    return 'open';
  return row.d_state;
}

/** History, lifecycle and links of listed findings: a few grouped queries for all of them. */
export async function describeFindings(
  db: Knex,
  rows: ListedRow[],
  windowDays: number,
): Promise<DriftFindingRecord[]> {
  if (rows.length === 0) return [];
  const now = new Date();
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  const fingerprints = [...new Set(rows.map(r => r.fingerprint))];
  const labels = await labelsByFingerprint(db, fingerprints);
  const events = await eventsByFingerprint(db, fingerprints);
  const episodes = await inChunks(
    fingerprints,
    chunk =>
      db<EpisodeRow>('hermes_drift_episodes')
        .whereIn('fingerprint', chunk)
        .orderBy('id') as Promise<EpisodeRow[]>,
  );
  const listed = rows.map(row => findingFromRow(row));
  const similar = await similarHistory(db, listed, windowDays);
  return listed.map((finding, i): DriftFindingRecord => {
    const row = rows[i];
    const fp = finding.fingerprint;
    const history = labels.get(fp) ?? [];
    const lastResolution = history[history.length - 1];
    const like = similar.get(fp);
    const all = events.get(fp) ?? [];
    const mine = episodes.filter(e => e.fingerprint === fp);
    const previous = mine
      .filter(e => e.ended_at !== null)
      .map(e => endedEpisode(e, all));
    const seen = mine.filter(
      e => e.ended_at === null || new Date(e.ended_at) >= since,
    ).length;
    const state = effectiveState(row, now);
    const event =
      row.d_last_episode_id !== null
        ? currentEvent(all, {
            last_episode_id: row.d_last_episode_id,
            reopened_at: row.d_reopened_at,
          })
        : undefined;
    const source = parse<SourceLinks>(row.links, {});
    return {
      ...finding,
      ...(state ? { state } : {}),
      ...(state === 'silenced'
        ? { silenceUntil: toIso(row.d_silence_until!) }
        : {}),
      ...(row.d_verification ? { verification: row.d_verification } : {}),
      ...(row.d_state_reason ? { stateReason: row.d_state_reason } : {}),
      ...(event && state !== 'open' ? { resolution: eventFromRow(event) } : {}),
      events: all.map(eventFromRow),
      links: {
        ...source,
        report: reportLink(finding.auditId),
        ...(finding.skill ? { skill: skillLink(finding.skill) } : {}),
      },
      history: {
        seen: Math.max(1, seen),
        windowDays,
        ...(lastResolution ? { lastResolution } : {}),
        labels: history,
        ...(like ? { similar: like } : {}),
        ...(row.d_first_seen
          ? {
              firstSeen: toIso(row.d_first_seen),
              lastSeen: toIso(row.d_last_seen!),
              episodes: Number(row.d_episodes),
              previousEpisodes: previous,
            }
          : {}),
      },
    };
  });
}
