import { InputError } from '@backstage/errors';
import {
  AuditLearningMetrics,
  DriftEpisode,
  DriftFinding,
  LabelledFinding,
  SimilarDrift,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { findingFromRow, Label, labelFromRow, suggestionFromRow } from './rows';
import { currentEvent, stillDrifting } from './lifecycle';
import { asLastSeen } from './versions';
import {
  AuditRow,
  DriftRow,
  EpisodeRow,
  FindingRow,
  ResolutionRow,
} from './tables';

// Queries of the learning loop over the drift tables: labels (people's resolutions) by the
// drift's fingerprint, labelled findings, and how each audit's findings were classified.

/** How often the same drift (same fingerprint) was seen before, and how people resolved it. */
export interface FingerprintHistory {
  /** Earlier episodes of the drift (first seen → gone) that ended within the window. */
  seen: number;
  /** When an audit first saw the drift, and its episodes ever (absent for new drift). */
  firstSeen?: string;
  episodes?: number;
  /** Whether the drift was still drifting at the previous audit (this audit continues it). */
  ongoing?: boolean;
  /** Finished episodes, oldest first, with how each was resolved. */
  previousEpisodes?: DriftEpisode[];
  /** A reverted/committed resolution of the ongoing episode that this audit contradicts. */
  reopened?: string;
  windowDays: number;
  /** Every resolution, oldest first. */
  labels: Label[];
  /** Similar drift (other fingerprints) within the window, when there is any. */
  similar?: SimilarDrift;
  /**
   * The audit model's suggestion on the drift's latest version, with what it was asked about,
   * while the drift is still drifting: an unchanged drift is not asked about again.
   */
  lastSuggestion?: {
    suggestion: TriageSuggestion;
    changes: string;
    attribution: string | null;
    /** The last audit that saw the drift: a label recorded after it is news to the model. */
    since: string;
  };
}

// Keeps `IN (...)` lists well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 500;
export async function inChunks<T>(
  values: string[],
  query: (chunk: string[]) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += CHUNK)
    out.push(...(await query(values.slice(i, i + CHUNK))));
  return out;
}

/** The resolution events that are labels: an undone one no longer is, a silence never was. */
function labelEvents(db: Knex) {
  return db<ResolutionRow>('hermes_drift_resolutions')
    .whereNull('undone_at')
    .whereNull('silence_until');
}

/** Every label of each fingerprint, oldest first. */
export async function labelsByFingerprint(
  db: Knex,
  fingerprints: string[],
): Promise<Map<string, Label[]>> {
  const rows = await inChunks(
    [...new Set(fingerprints)],
    chunk =>
      labelEvents(db).whereIn('fingerprint', chunk).orderBy('id') as Promise<
        ResolutionRow[]
      >,
  );
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  const labels = new Map<string, Label[]>();
  for (const row of rows)
    labels.set(row.fingerprint, [
      ...(labels.get(row.fingerprint) ?? []),
      labelFromRow(row),
    ]);
  return labels;
}

export async function fingerprintHistory(
  db: Knex,
  fingerprints: string[],
  windowDays: number,
): Promise<Map<string, FingerprintHistory>> {
  const unique = [...new Set(fingerprints)];
  const since = new Date(Date.now() - windowDays * 86_400_000);
  // Episodes, not audit runs: one that ended within the window counts once; the ongoing one
  // is the audit's own and is counted by whoever reports it.
  const episodes = await inChunks(
    unique,
    chunk =>
      db<EpisodeRow>('hermes_drift_episodes')
        .whereIn('fingerprint', chunk)
        .orderBy('id') as Promise<EpisodeRow[]>,
  );
  const drifts = new Map(
    (
      await inChunks(
        unique,
        chunk =>
          db<DriftRow>('hermes_drift_drifts').whereIn(
            'fingerprint',
            chunk,
          ) as Promise<DriftRow[]>,
      )
    ).map(d => [d.fingerprint, d]),
  );
  const versions = new Map(
    (
      await inChunks(
        [...drifts.values()]
          .filter(d => d.current_episode_id !== null)
          .map(d => String(d.last_finding_id)),
        chunk =>
          db<FindingRow>('hermes_drift_findings')
            .whereIn('id', chunk)
            .whereNotNull('suggestion_classification') as Promise<FindingRow[]>,
      )
    ).map(f => [f.fingerprint, f]),
  );
  const labels = await labelsByFingerprint(db, unique);
  const events = await eventsByFingerprint(db, unique);
  const now = new Date();
  return new Map(
    unique.map(fp => {
      const drift = drifts.get(fp);
      const ended = episodes.filter(
        e => e.fingerprint === fp && e.ended_at !== null,
      );
      const earlier = ended.filter(e => new Date(e.ended_at!) >= since).length;
      const previousEpisodes = ended.map(e =>
        endedEpisode(e, events.get(fp) ?? []),
      );
      const event = drift
        ? currentEvent(events.get(fp) ?? [], drift)
        : undefined;
      const reopened =
        drift?.current_episode_id &&
        drift.state === 'resolved' &&
        event &&
        ['reverted', 'committed'].includes(event.resolution)
          ? stillDrifting(event, now)
          : undefined;
      return [
        fp,
        {
          seen: earlier,
          windowDays,
          labels: labels.get(fp) ?? [],
          ...(drift
            ? {
                firstSeen: toIso(drift.first_seen),
                episodes: Number(drift.episodes),
                ongoing: drift.current_episode_id !== null,
                previousEpisodes,
              }
            : {}),
          ...(reopened ? { reopened } : {}),
          ...lastSuggestion(versions.get(fp), drift),
        },
      ];
    }),
  );
}

function lastSuggestion(
  row: FindingRow | undefined,
  drift: DriftRow | undefined,
): Pick<FingerprintHistory, 'lastSuggestion'> {
  if (!row?.suggestion_classification || !drift) return {};
  return {
    lastSuggestion: {
      suggestion: suggestionFromRow(row),
      changes: row.changes,
      attribution: row.attribution,
      since: toIso(drift.last_seen),
    },
  };
}

/** An ended episode of a drift, with the last resolution recorded in it (not undone). */
export function endedEpisode(
  episode: EpisodeRow,
  events: ResolutionRow[],
): DriftEpisode {
  const last = events
    .filter(ev => !ev.undone_at && String(ev.episode_id) === String(episode.id))
    .at(-1);
  return {
    startedAt: toIso(episode.started_at),
    endedAt: toIso(episode.ended_at!),
    ...(last ? { resolution: last.resolution, resolvedBy: last.user_ref } : {}),
    ...(episode.verification ? { verification: episode.verification } : {}),
  };
}

/** Every resolution event of each fingerprint, undone ones included, oldest first. */
export async function eventsByFingerprint(
  db: Knex,
  fingerprints: string[],
): Promise<Map<string, ResolutionRow[]>> {
  const rows = await inChunks(
    [...new Set(fingerprints)],
    chunk =>
      db<ResolutionRow>('hermes_drift_resolutions').whereIn(
        'fingerprint',
        chunk,
      ) as Promise<ResolutionRow[]>,
  );
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  const events = new Map<string, ResolutionRow[]>();
  for (const row of rows)
    events.set(row.fingerprint, [...(events.get(row.fingerprint) ?? []), row]);
  return events;
}

/**
 * Every drift people resolved: each fingerprint's latest finding with its whole label
 * history. With `since`, only drift labelled at or after that time.
 */
export async function listLabelledFindings(
  db: Knex,
  options: { since?: Date } = {},
): Promise<LabelledFinding[]> {
  const query = labelEvents(db).distinct('fingerprint');
  if (options.since) query.where('created_at', '>=', options.since);
  const fingerprints: string[] = (await query).map(
    (r: { fingerprint: string }) => r.fingerprint,
  );
  if (fingerprints.length === 0) return [];
  const latest = await inChunks(
    fingerprints,
    chunk =>
      db('hermes_drift_findings')
        .select('fingerprint')
        .max({ id: 'id' })
        .whereIn('fingerprint', chunk)
        .groupBy('fingerprint') as Promise<
        Array<{ fingerprint: string; id: number | string }>
      >,
  );
  const rows = await inChunks(
    latest.map(l => String(l.id)),
    chunk =>
      db<FindingRow>('hermes_drift_findings').whereIn(
        'id',
        chunk.map(Number),
      ) as Promise<FindingRow[]>,
  );
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  const labels = await labelsByFingerprint(db, fingerprints);
  return rows.flatMap(row => {
    const history = labels.get(row.fingerprint) ?? [];
    if (history.length === 0) return [];
    const {
      id,
      auditId,
      foundAt,
      suggestion: _s,
      ...finding
    } = findingFromRow(asLastSeen(row));
    return [
      {
        id,
        auditId,
        foundAt,
        finding: finding as DriftFinding,
        label: history[history.length - 1].resolution,
        labels: history.map(l => ({
          resolution: l.resolution,
          userRef: l.userRef,
          at: l.at,
        })),
      },
    ];
  });
}

const count = (value: unknown) => Number(value ?? 0);

/**
 * How the findings of the last `limit` successful audits (oldest first) were classified: by a
 * skill's rule, left unknown with a model suggestion, or unknown without; and what went to
 * the model for it.
 */
export async function triageMetrics(
  db: Knex,
  options: { limit?: number } = {},
): Promise<AuditLearningMetrics[]> {
  const limit = options.limit ?? 60;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InputError(`limit: expected 1 to 1000 audits, got ${limit}`);
  const audits: AuditRow[] = await db<AuditRow>('hermes_drift_audits')
    .where({ status: 'succeeded' })
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (audits.length === 0) return [];
  // Each audit's findings are the versions it saw (see versions.ts), one join for all audits.
  const grouped: Array<Record<string, unknown> & { audit_id: string }> =
    await db('hermes_drift_audits as a')
      .join('hermes_drift_findings as f', join =>
        join
          .on('f.cluster', 'a.cluster')
          .andOn('f.scope', db.raw('coalesce(a.name, a.cluster)'))
          .andOn('f.last_seen_at', '>=', 'a.finished_at')
          .andOn('f.found_at', '<=', 'a.finished_at'),
      )
      .select('a.id as audit_id')
      .count({ findings: '*' })
      .select(
        db.raw(
          "sum(case when f.classification <> 'unknown' and f.skill is not null then 1 else 0 end) as by_rule",
        ),
        db.raw(
          "sum(case when f.classification = 'unknown' and f.suggestion_classification is not null then 1 else 0 end) as by_suggestion",
        ),
        db.raw(
          "sum(case when f.classification = 'unknown' and f.suggestion_classification is null then 1 else 0 end) as left_unknown",
        ),
      )
      .whereIn(
        'a.id',
        audits.map(a => a.id),
      )
      .groupBy('a.id');
  const byAudit = new Map(grouped.map(g => [g.audit_id, g]));
  return audits.reverse().map(audit => {
    const g = byAudit.get(audit.id);
    return {
      auditId: audit.id,
      cluster: audit.cluster,
      startedAt: toIso(audit.started_at),
      findings: count(g?.findings),
      byRule: count(g?.by_rule),
      bySuggestion: count(g?.by_suggestion),
      unknown: count(g?.left_unknown),
      modelCalls: count(audit.suggestion_calls),
      modelTokens: count(audit.suggestion_tokens),
    };
  });
}
