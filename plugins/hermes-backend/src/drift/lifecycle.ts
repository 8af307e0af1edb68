import { Knex } from 'knex';
import { DriftState, Resolution } from '@hermes-backstage/plugin-hermes-common';
import { toIso } from '../database/dates';
import { inChunks } from './labels';
import { DriftRow, FindingRow, ResolutionRow } from './tables';

// The lifecycle of each drift (fingerprint): episodes opened and closed by audits, and the
// state people's resolutions give it, checked by the next audit.

/** Resolutions that promise the drift goes away; the next audit checks the promise. */
const PROMISES_GONE: Resolution[] = ['reverted', 'committed'];

/** "just now", "12 min ago", "2 h ago", "3 days ago". */
export function ago(from: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** "marked reverted by user:default/ada 2 h ago, still drifting" */
export function stillDrifting(
  event: Pick<ResolutionRow, 'resolution' | 'user_ref' | 'created_at'>,
  now: Date,
): string {
  return `marked ${event.resolution} by ${event.user_ref} ${ago(
    new Date(event.created_at),
    now,
  )}, still drifting`;
}

/**
 * The event behind a drift's state: the latest one not undone, recorded in its latest episode
 * and after the last time an audit contradicted a resolution (`events` oldest first).
 */
export function currentEvent(
  events: ResolutionRow[],
  drift: Pick<DriftRow, 'last_episode_id' | 'reopened_at'>,
): ResolutionRow | undefined {
  const reopened = drift.reopened_at
    ? new Date(drift.reopened_at).getTime()
    : -Infinity;
  return events
    .filter(
      e =>
        !e.undone_at &&
        String(e.episode_id) === String(drift.last_episode_id) &&
        new Date(e.created_at).getTime() > reopened,
    )
    .at(-1);
}

/** What an event makes of a drift that still drifts. */
export function stateOf(
  event: ResolutionRow | undefined,
  now: Date,
): { state: DriftState; silence_until: Date | null } {
  if (!event) return { state: 'open', silence_until: null };
  if (!event.silence_until) return { state: 'resolved', silence_until: null };
  const until = new Date(event.silence_until);
  return until > now
    ? { state: 'silenced', silence_until: until }
    : { state: 'open', silence_until: null };
}

async function eventsOf(db: Knex, fingerprints: string[]) {
  const rows = await inChunks(
    fingerprints,
    chunk =>
      db<ResolutionRow>('hermes_drift_resolutions')
        .whereIn('fingerprint', chunk)
        .whereNull('undone_at') as Promise<ResolutionRow[]>,
  );
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  const byFingerprint = new Map<string, ResolutionRow[]>();
  for (const row of rows)
    byFingerprint.set(row.fingerprint, [
      ...(byFingerprint.get(row.fingerprint) ?? []),
      row,
    ]);
  return byFingerprint;
}

type Seen = Pick<
  FindingRow,
  'id' | 'fingerprint' | 'cluster' | 'kind' | 'namespace' | 'name' | 'type'
>;

/** Whether a drift already says where it is and which finding it has, so only the time moves. */
function unchanged(drift: DriftRow, where: Record<string, unknown>): boolean {
  const keys = ['scope', 'cluster', 'kind', 'namespace', 'name', 'type'];
  return (
    keys.every(
      k => (drift[k as keyof DriftRow] ?? null) === (where[k] ?? null),
    ) && String(drift.last_finding_id) === String(where.last_finding_id)
  );
}

/**
 * After a successful audit: opens an episode for drift not drifting before, extends the
 * ongoing ones, checks resolutions (a drift marked reverted or committed and still there
 * reopens, saying so), ends silences that expired, and closes the drift of the audit's scope
 * it no longer saw (confirming a reverted or committed resolution). Extra objects are not
 * closed by an audit that could not report them.
 */
export async function trackEpisodes(
  tx: Knex.Transaction,
  run: {
    auditId: string;
    scope: string;
    now: Date;
    seen: Seen[];
    reportsExtra: boolean;
  },
): Promise<void> {
  const { auditId, scope, now, seen } = run;
  const fingerprints = [...new Set(seen.map(f => f.fingerprint))];
  const known = new Map(
    (
      await inChunks(
        fingerprints,
        chunk =>
          tx<DriftRow>('hermes_drift_drifts').whereIn(
            'fingerprint',
            chunk,
          ) as Promise<DriftRow[]>,
      )
    ).map(d => [d.fingerprint, d]),
  );
  const seenSet = new Set(fingerprints);
  const gone = (
    (await tx<DriftRow>('hermes_drift_drifts')
      .where({ scope })
      .whereNotNull('current_episode_id')) as DriftRow[]
  ).filter(
    d =>
      !seenSet.has(d.fingerprint) && (run.reportsExtra || d.type !== 'extra'),
  );
  const events = await eventsOf(tx, [
    ...fingerprints,
    ...gone.map(d => d.fingerprint),
  ]);

  // Episodes start for drift without an ongoing one; ids are read back by this audit's id.
  const starting = fingerprints.filter(
    fp => !known.get(fp)?.current_episode_id,
  );
  const episodes = starting.map(fingerprint => ({
    fingerprint,
    started_at: now,
    last_seen_at: now,
    first_audit_id: auditId,
    last_audit_id: auditId,
  }));
  for (let i = 0; i < episodes.length; i += 200)
    await tx('hermes_drift_episodes').insert(episodes.slice(i, i + 200));
  const started = new Map<string, string>();
  if (starting.length) {
    const rows: Array<{ id: number | string; fingerprint: string }> = await tx(
      'hermes_drift_episodes',
    )
      .select('id', 'fingerprint')
      .where({ first_audit_id: auditId });
    for (const row of rows) started.set(row.fingerprint, String(row.id));
  }
  const ongoing = fingerprints
    .map(fp => known.get(fp)?.current_episode_id)
    .filter((id): id is string | number => id !== null && id !== undefined)
    .map(String);
  await inChunks(ongoing, async chunk => {
    await tx('hermes_drift_episodes')
      .whereIn('id', chunk)
      .update({ last_seen_at: now, last_audit_id: auditId });
    return [];
  });

  const fresh: Array<Partial<Record<keyof DriftRow, unknown>>> = [];
  const onlySeen: string[] = [];
  for (const f of seen) {
    const drift = known.get(f.fingerprint);
    const where = {
      scope,
      cluster: f.cluster,
      kind: f.kind,
      namespace: f.namespace,
      name: f.name,
      type: f.type,
      last_seen: now,
      last_finding_id: f.id,
    };
    const episode = started.get(f.fingerprint);
    if (!drift) {
      fresh.push({
        fingerprint: f.fingerprint,
        ...where,
        state: 'open',
        first_seen: now,
        episodes: 1,
        current_episode_id: episode,
        last_episode_id: episode,
      });
      continue;
    }
    let patch: Record<string, unknown> = where;
    if (episode) {
      // Back after an audit saw it gone: a new episode, open again.
      patch = {
        ...where,
        state: 'open',
        silence_until: null,
        verification: null,
        state_reason: null,
        reopened_at: null,
        episodes: Number(drift.episodes) + 1,
        current_episode_id: episode,
        last_episode_id: episode,
      };
    } else {
      const event = currentEvent(events.get(f.fingerprint) ?? [], drift);
      if (
        drift.state === 'resolved' &&
        event &&
        PROMISES_GONE.includes(event.resolution)
      ) {
        patch = {
          ...where,
          state: 'open',
          verification: 'contradicted',
          state_reason: stillDrifting(event, now),
          reopened_at: now,
        };
      } else if (
        drift.state === 'silenced' &&
        drift.silence_until &&
        new Date(drift.silence_until) <= now
      ) {
        patch = {
          ...where,
          state: 'open',
          silence_until: null,
          state_reason: `silenced until ${toIso(
            drift.silence_until,
          )}, still drifting`,
        };
      }
    }
    if (patch === where && unchanged(drift, where)) {
      onlySeen.push(f.fingerprint);
      continue;
    }
    await tx('hermes_drift_drifts')
      .where({ fingerprint: f.fingerprint })
      .update(patch);
  }
  // The usual case, a drift seen again as it was: one statement per chunk, not per drift.
  await inChunks(onlySeen, async chunk => {
    await tx('hermes_drift_drifts')
      .whereIn('fingerprint', chunk)
      .update({ last_seen: now });
    return [];
  });
  for (let i = 0; i < fresh.length; i += 100)
    await tx('hermes_drift_drifts').insert(fresh.slice(i, i + 100));

  for (const drift of gone) {
    const event = currentEvent(events.get(drift.fingerprint) ?? [], drift);
    const confirmed = !!event && PROMISES_GONE.includes(event.resolution);
    await tx('hermes_drift_episodes')
      .where({ id: drift.current_episode_id })
      .update({ ended_at: now, verification: confirmed ? 'confirmed' : null });
    await tx('hermes_drift_drifts')
      .where({ fingerprint: drift.fingerprint })
      .update({
        state: 'resolved',
        silence_until: null,
        current_episode_id: null,
        verification: confirmed ? 'confirmed' : null,
        state_reason: confirmed
          ? `marked ${event!.resolution} by ${
              event!.user_ref
            }, gone at the next audit`
          : 'no longer drifting',
      });
  }
}

/** The state a new resolution event gives its drift (nothing changes once the drift is gone). */
export async function applyResolution(
  db: Knex,
  fingerprint: string,
  event: { silenceUntil?: Date },
): Promise<void> {
  await db('hermes_drift_drifts')
    .where({ fingerprint })
    .whereNotNull('current_episode_id')
    .update({
      state: event.silenceUntil ? 'silenced' : 'resolved',
      silence_until: event.silenceUntil ?? null,
      verification: null,
      state_reason: null,
    });
}

/** The state a drift falls back to when its last event is undone. */
export async function recomputeAfterUndo(
  db: Knex,
  fingerprint: string,
  now: Date,
): Promise<void> {
  const drift: DriftRow | undefined = await db<DriftRow>('hermes_drift_drifts')
    .where({ fingerprint })
    .first();
  if (!drift) return;
  const event = currentEvent(
    (await eventsOf(db, [fingerprint])).get(fingerprint) ?? [],
    drift,
  );
  if (drift.current_episode_id) {
    await db('hermes_drift_drifts')
      .where({ fingerprint })
      .update({
        ...stateOf(event, now),
        verification: null,
        state_reason: null,
      });
    return;
  }
  // Gone already: it stays resolved; only what confirms it may change.
  const confirmed = !!event && PROMISES_GONE.includes(event.resolution);
  await db('hermes_drift_drifts')
    .where({ fingerprint })
    .update({ verification: confirmed ? 'confirmed' : null });
  await db('hermes_drift_episodes')
    .where({ id: drift.last_episode_id })
    .update({ verification: confirmed ? 'confirmed' : null });
}
