import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuditLearningMetrics,
  Classification,
  DriftAuditRecord,
  DriftFinding,
  DriftFindingRecord,
  DriftState,
  KubernetesAuditEvent,
  LabelledFinding,
  Resolution,
  RESOLUTIONS,
  SimilarDrift,
} from '@hermes-backstage/plugin-hermes-common';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { connect } from '../database/migrations';
import {
  fingerprintHistory,
  FingerprintHistory,
  listLabelledFindings,
  triageMetrics,
} from './labels';
import {
  describeFindings,
  FindingQuery,
  ListedRow,
  queryFindings,
} from './findingQueries';
import {
  applyResolution,
  recomputeAfterUndo,
  trackEpisodes,
} from './lifecycle';
import { addAuditEvents, listAuditEvents } from './auditEventRows';
import { auditFromRow, eventFromRow, findingFromRow } from './rows';
import { similarHistory } from './similar';
import { AuditRow, DriftRow, FindingRow, ResolutionRow } from './tables';
import {
  asLastSeen,
  FindingToStore,
  recordFindings,
  scopeOf,
} from './versions';
import { deleteAuditsBefore } from './retention';

export type StoredAudit = DriftAuditRecord;
export type StoredFinding = DriftFindingRecord;
export type { Resolution, FingerprintHistory };
export { RESOLUTIONS };

/**
 * An audit's findings as stored: each may carry the audit model's suggestion and links to its
 * desired source.
 */
export type { FindingToStore };

/** What a person records on a drift: a resolution, or with `silenceUntil`, a silence. */
export interface ResolutionInput {
  resolution: Resolution;
  /** Why; `note` in earlier clients. */
  note?: string;
  ticket?: string;
  silenceUntil?: Date;
  userRef: string;
}

export type { FindingQuery, ListedRow, DriftState };

/** Persistence of audits, findings and resolutions. */
export interface DriftStore {
  /** `name`: the hermes.audits entry; its runs open and close its drift. */
  startAudit(
    audit: Pick<
      StoredAudit,
      'cluster' | 'trigger' | 'desiredSource' | 'liveSource'
    > & { name?: string },
  ): Promise<string>;
  /**
   * Stores the findings and tracks each drift's lifecycle: episodes opened, continued and
   * closed, resolutions verified. Without `reportsExtra` (default true), drift of objects not
   * in Git is not closed, as the audit could not look for it.
   */
  finishAudit(
    id: string,
    result: {
      findings: FindingToStore[];
      report: string;
      warnings: string[];
      narrative?: string;
      /** What went to the audit model for suggestions; absent without a model. */
      triageModel?: StoredAudit['triageModel'];
      reportsExtra?: boolean;
    },
  ): Promise<void>;
  failAudit(id: string, error: string, warnings?: string[]): Promise<void>;
  /** Audit runs, newest first: `limit` default 50, `offset` default 0. */
  listAudits(options?: {
    cluster?: string;
    limit?: number;
    offset?: number;
  }): Promise<StoredAudit[]>;
  /** How many audit runs are stored (of one cluster), for paging. */
  countAudits(options?: { cluster?: string }): Promise<number>;
  getAudit(id: string): Promise<StoredAudit | undefined>;
  /**
   * Findings of one audit, or each drift once as its latest audit found it, with history.
   * With `entity`, only findings carrying those labels in that namespace (or cluster-scoped):
   * a superset of an entity's findings, which the caller checks exactly.
   */
  listFindings(
    options?: FindingQuery & { windowDays?: number },
  ): Promise<StoredFinding[]>;
  /** The same, without history: to filter and page before describing. */
  queryFindings(options: FindingQuery): Promise<ListedRow[]>;
  /** History, lifecycle and links of rows from `queryFindings`. */
  describeFindings(
    rows: ListedRow[],
    windowDays?: number,
  ): Promise<StoredFinding[]>;
  /** Stores the writes among audit events (reads and failures are dropped); returns how many. */
  addAuditEvents(
    cluster: string,
    events: KubernetesAuditEvent[],
  ): Promise<number>;
  /** Stored writes of a cluster since a time, as audit events for correlation. */
  listAuditEvents(
    cluster: string,
    since: Date,
  ): Promise<KubernetesAuditEvent[]>;
  getFinding(id: string): Promise<Omit<StoredFinding, 'history'> | undefined>;
  /** Records a resolution (or silence) of the finding's drift; returns the finding. */
  resolveFinding(
    id: string,
    resolution: ResolutionInput,
  ): Promise<Omit<StoredFinding, 'history'>>;
  /**
   * Undoes the latest event of the finding's drift: only its author may, unless `asAdmin`.
   * Returns the finding and the event undone.
   */
  undoResolution(
    id: string,
    undo: { userRef: string; asAdmin?: boolean },
  ): Promise<{
    finding: Omit<StoredFinding, 'history'>;
    undone: ReturnType<typeof eventFromRow>;
  }>;
  /** Per fingerprint: findings within `windowDays` (default 14) and every label. */
  fingerprintHistory(
    fingerprints: string[],
    windowDays?: number,
  ): Promise<Map<string, FingerprintHistory>>;
  /**
   * Per fingerprint of `findings` (stored or not): other drift of the same cluster, kind, type
   * and manager class within `windowDays` (default 14), once per fingerprint, with how it was
   * resolved. One query for all findings; findings without similar drift are left out.
   */
  similarHistory(
    findings: DriftFinding[],
    windowDays?: number,
  ): Promise<Map<string, SimilarDrift>>;
  /** Each labelled drift's latest finding with its label history (learning loop). */
  listLabelledFindings(options?: { since?: Date }): Promise<LabelledFinding[]>;
  /** Per successful audit, oldest first (the last `limit`, default 60). */
  triageMetrics(options?: { limit?: number }): Promise<AuditLearningMetrics[]>;
  /**
   * Retention: deletes finished audit runs that started before `cutoff`, with their reports
   * and the finding versions they first saw, except runs whose findings are still history a
   * reader can reach (a version seen since the cutoff, a drift's latest finding, a labelled
   * finding) and runs a drift's current or last episode names. Returns how many were deleted.
   */
  deleteAuditsBefore(cutoff: Date): Promise<number>;
}

export class KnexDriftStore implements DriftStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexDriftStore> {
    return new KnexDriftStore(await connect(options.database));
  }

  async startAudit(
    audit: Pick<
      StoredAudit,
      'cluster' | 'trigger' | 'desiredSource' | 'liveSource'
    > & { name?: string },
  ) {
    const id = randomUUID();
    await this.db('hermes_drift_audits').insert({
      id,
      name: audit.name ?? null,
      cluster: audit.cluster,
      status: 'running',
      trigger: audit.trigger,
      desired_source: audit.desiredSource,
      live_source: audit.liveSource,
      started_at: new Date(),
    });
    return id;
  }

  async finishAudit(
    id: string,
    result: {
      findings: FindingToStore[];
      report: string;
      warnings: string[];
      narrative?: string;
      triageModel?: StoredAudit['triageModel'];
      reportsExtra?: boolean;
    },
  ) {
    const summary: Record<Classification, number> = {
      critical: 0,
      unknown: 0,
      harmless: 0,
    };
    for (const f of result.findings) summary[f.classification]++;
    await this.db.transaction(async tx => {
      const audit: AuditRow = await tx('hermes_drift_audits')
        .where({ id })
        .first();
      const { at, seen } = await recordFindings(tx, {
        audit,
        findings: result.findings,
        now: new Date(),
      });
      await trackEpisodes(tx, {
        auditId: id,
        scope: scopeOf(audit),
        now: at,
        reportsExtra: result.reportsExtra ?? true,
        seen,
      });
      await tx('hermes_drift_audits')
        .where({ id })
        .update({
          status: 'succeeded',
          // The time its findings were recorded at: what says which versions it saw.
          finished_at: at,
          report: result.report,
          narrative: result.narrative ?? null,
          summary: JSON.stringify(summary),
          warnings: JSON.stringify(result.warnings),
          suggestion_calls: result.triageModel?.calls ?? null,
          suggestion_findings: result.triageModel?.findings ?? null,
          suggestion_tokens: result.triageModel?.tokens ?? null,
        });
    });
  }

  async failAudit(id: string, error: string, warnings: string[] = []) {
    await this.db('hermes_drift_audits')
      .where({ id })
      .update({
        status: 'failed',
        finished_at: new Date(),
        error,
        warnings: JSON.stringify(warnings),
      });
  }

  async listAudits(
    options: { cluster?: string; limit?: number; offset?: number } = {},
  ) {
    // The id breaks ties between runs started in the same instant, so pages never overlap.
    const query = this.db<AuditRow>('hermes_drift_audits')
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 50)
      .offset(options.offset ?? 0);
    if (options.cluster) query.where({ cluster: options.cluster });
    return (await query).map(row => auditFromRow(row));
  }

  async countAudits(options: { cluster?: string } = {}) {
    const query = this.db('hermes_drift_audits').count({ count: '*' });
    if (options.cluster) query.where({ cluster: options.cluster });
    const [{ count }] = await query;
    // PostgreSQL returns a bigint count as a string.
    return Number(count);
  }

  async getAudit(id: string) {
    const row = await this.db<AuditRow>('hermes_drift_audits')
      .where({ id })
      .first();
    return row ? auditFromRow(row) : undefined;
  }

  async listFindings(
    options: FindingQuery & { windowDays?: number } = {},
  ): Promise<StoredFinding[]> {
    return this.describeFindings(
      await this.queryFindings(options),
      options.windowDays,
    );
  }

  queryFindings(options: FindingQuery) {
    return queryFindings(this.db, options);
  }

  describeFindings(rows: ListedRow[], windowDays = 14) {
    return describeFindings(this.db, rows, windowDays);
  }

  addAuditEvents(cluster: string, events: KubernetesAuditEvent[]) {
    return addAuditEvents(this.db, cluster, events);
  }

  listAuditEvents(cluster: string, since: Date) {
    return listAuditEvents(this.db, cluster, since);
  }

  async getFinding(id: string) {
    const row = /^\d+$/.test(id)
      ? await this.db<FindingRow>('hermes_drift_findings')
          .where({ id: Number(id) })
          .first()
      : undefined;
    // One row may stand for many runs: it reads as the last one that saw it.
    return row ? findingFromRow(asLastSeen(row)) : undefined;
  }

  async resolveFinding(id: string, resolution: ResolutionInput) {
    const finding = await this.getFinding(id);
    if (!finding) throw new NotFoundError(`No drift finding with id ${id}`);
    await this.db.transaction(async tx => {
      const drift: DriftRow | undefined = await tx<DriftRow>(
        'hermes_drift_drifts',
      )
        .where({ fingerprint: finding.fingerprint })
        .first();
      await tx('hermes_drift_resolutions').insert({
        finding_id: Number(finding.id),
        fingerprint: finding.fingerprint,
        resolution: resolution.resolution,
        note: resolution.note ?? null,
        ticket: resolution.ticket ?? null,
        silence_until: resolution.silenceUntil ?? null,
        // A resolution after the drift is gone labels its last episode.
        episode_id: drift?.last_episode_id ?? null,
        user_ref: resolution.userRef,
        created_at: new Date(),
      });
      await applyResolution(tx, finding.fingerprint, resolution);
    });
    return finding;
  }

  async undoResolution(
    id: string,
    undo: { userRef: string; asAdmin?: boolean },
  ) {
    const finding = await this.getFinding(id);
    if (!finding) throw new NotFoundError(`No drift finding with id ${id}`);
    return this.db.transaction(async tx => {
      const last: ResolutionRow | undefined = await tx<ResolutionRow>(
        'hermes_drift_resolutions',
      )
        .where({ fingerprint: finding.fingerprint })
        .whereNull('undone_at')
        .orderBy('id', 'desc')
        .first();
      if (!last)
        throw new NotFoundError(
          `Drift finding ${id} has no resolution left to undo`,
        );
      if (!undo.asAdmin && last.user_ref !== undo.userRef)
        throw new NotAllowedError(
          `Only ${last.user_ref}, who recorded the last resolution, or someone with hermes.drift.read may undo it`,
        );
      const now = new Date();
      await tx('hermes_drift_resolutions')
        .where({ id: last.id })
        .update({ undone_at: now, undone_by: undo.userRef });
      await recomputeAfterUndo(tx, finding.fingerprint, now);
      return {
        finding,
        undone: eventFromRow({
          ...last,
          undone_at: now,
          undone_by: undo.userRef,
        }),
      };
    });
  }

  fingerprintHistory(fingerprints: string[], windowDays = 14) {
    return fingerprintHistory(this.db, fingerprints, windowDays);
  }

  similarHistory(findings: DriftFinding[], windowDays = 14) {
    return similarHistory(this.db, findings, windowDays);
  }

  listLabelledFindings(options?: { since?: Date }) {
    return listLabelledFindings(this.db, options);
  }

  triageMetrics(options?: { limit?: number }) {
    return triageMetrics(this.db, options);
  }

  deleteAuditsBefore(cutoff: Date) {
    return deleteAuditsBefore(this.db, cutoff);
  }
}
