import { NotFoundError } from '@backstage/errors';
import {
  AuditLearningMetrics,
  Classification,
  DriftAuditRecord,
  DriftFinding,
  DriftFindingRecord,
  KubernetesAuditEvent,
  LabelledFinding,
  Resolution,
  RESOLUTIONS,
  SimilarDrift,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import {
  fingerprintHistory,
  FingerprintHistory,
  labelsByFingerprint,
  listLabelledFindings,
  triageMetrics,
} from './labels';
import { auditFromRow, findingFromRow } from './rows';
import { similarHistory } from './similar';
import { AuditEventRow, AuditRow, FindingRow } from './tables';

export type StoredAudit = DriftAuditRecord;
export type StoredFinding = DriftFindingRecord;
export type { Resolution, FingerprintHistory };
export { RESOLUTIONS };

/** An audit's findings as stored: each may carry the audit model's suggestion. */
export type FindingToStore = DriftFinding & { suggestion?: TriageSuggestion };

/** Persistence of audits, findings and resolutions. */
export interface DriftStore {
  startAudit(
    audit: Pick<
      StoredAudit,
      'cluster' | 'trigger' | 'desiredSource' | 'liveSource'
    >,
  ): Promise<string>;
  finishAudit(
    id: string,
    result: {
      findings: FindingToStore[];
      report: string;
      warnings: string[];
      narrative?: string;
      /** What went to the audit model for suggestions; absent without a model. */
      triageModel?: StoredAudit['triageModel'];
    },
  ): Promise<void>;
  failAudit(id: string, error: string, warnings?: string[]): Promise<void>;
  listAudits(options?: {
    cluster?: string;
    limit?: number;
  }): Promise<StoredAudit[]>;
  getAudit(id: string): Promise<StoredAudit | undefined>;
  /**
   * Findings of one audit, or of the latest successful audit of each cluster. With `entity`,
   * only findings carrying those labels in that namespace (or cluster-scoped): a superset of
   * an entity's findings, which the caller checks exactly.
   */
  listFindings(options?: {
    auditId?: string;
    namespace?: string;
    entity?: { labels: Record<string, string>; namespace?: string };
    windowDays?: number;
  }): Promise<StoredFinding[]>;
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
  /** Records a resolution; returns the finding it resolves. */
  resolveFinding(
    id: string,
    resolution: { resolution: Resolution; note?: string; userRef: string },
  ): Promise<Omit<StoredFinding, 'history'>>;
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
}

// A JSON text column holds `"key":"value"` exactly as JSON.stringify wrote it; LIKE's own
// wildcards in it are escaped.
function jsonPairPattern(key: string, value: string): string {
  const pair = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return `%${pair.replace(/[\\%_]/g, c => `\\${c}`)}%`;
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
    >,
  ) {
    const id = randomUUID();
    await this.db('hermes_drift_audits').insert({
      id,
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
    },
  ) {
    const summary: Record<Classification, number> = {
      critical: 0,
      unknown: 0,
      harmless: 0,
    };
    for (const f of result.findings) summary[f.classification]++;
    const now = new Date();
    await this.db.transaction(async tx => {
      const rows = result.findings.map(f => ({
        audit_id: id,
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
        found_at: now,
        suggestion_classification: f.suggestion?.classification ?? null,
        suggestion_reason: f.suggestion?.reason ?? null,
        suggestion_confidence: f.suggestion?.confidence ?? null,
        suggestion_model: f.suggestion?.model ?? null,
      }));
      for (let i = 0; i < rows.length; i += 200)
        await tx('hermes_drift_findings').insert(rows.slice(i, i + 200));
      await tx('hermes_drift_audits')
        .where({ id })
        .update({
          status: 'succeeded',
          finished_at: now,
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

  async listAudits(options: { cluster?: string; limit?: number } = {}) {
    const query = this.db<AuditRow>('hermes_drift_audits')
      .orderBy('started_at', 'desc')
      .limit(options.limit ?? 50);
    if (options.cluster) query.where({ cluster: options.cluster });
    return (await query).map(row => auditFromRow(row));
  }

  async getAudit(id: string) {
    const row = await this.db<AuditRow>('hermes_drift_audits')
      .where({ id })
      .first();
    return row ? auditFromRow(row) : undefined;
  }

  async listFindings(
    options: {
      auditId?: string;
      namespace?: string;
      entity?: { labels: Record<string, string>; namespace?: string };
      windowDays?: number;
    } = {},
  ) {
    const windowDays = options.windowDays ?? 14;
    let auditIds: string[];
    if (options.auditId) auditIds = [options.auditId];
    else {
      // The latest successful audit of each cluster.
      const latest: Array<{ cluster: string; started: Date | string }> =
        await this.db('hermes_drift_audits')
          .select('cluster')
          .max({ started: 'started_at' })
          .where({ status: 'succeeded' })
          .groupBy('cluster');
      const audits = await Promise.all(
        latest.map(l =>
          this.db('hermes_drift_audits')
            .select('id')
            .where({
              cluster: l.cluster,
              status: 'succeeded',
              started_at: l.started,
            })
            .first(),
        ),
      );
      auditIds = audits.flatMap(a => (a ? [a.id] : []));
    }
    if (auditIds.length === 0) return [];
    const query = this.db<FindingRow>('hermes_drift_findings')
      .whereIn('audit_id', auditIds)
      .orderBy('id');
    if (options.namespace) query.where({ namespace: options.namespace });
    const { entity } = options;
    if (entity) {
      for (const [key, value] of Object.entries(entity.labels))
        query.whereRaw(`labels LIKE ? ESCAPE '\\'`, [
          jsonPairPattern(key, value),
        ]);
      if (entity.namespace)
        query.where(q =>
          q.where({ namespace: entity.namespace }).orWhereNull('namespace'),
        );
    }
    const rows: FindingRow[] = await query;
    const since = new Date(Date.now() - windowDays * 86_400_000);
    // History for all listed findings in two grouped queries, not two per finding.
    const objectKey = (
      r: Pick<FindingRow, 'cluster' | 'kind' | 'namespace' | 'name' | 'type'>,
    ) => [r.cluster, r.kind, r.namespace ?? '', r.name, r.type].join('\u0000');
    const counts = new Map<string, number>();
    type CountRow = Pick<
      FindingRow,
      'cluster' | 'kind' | 'namespace' | 'name' | 'type'
    > & { n: number | string };
    const grouped: CountRow[] = await this.db('hermes_drift_findings')
      .select('cluster', 'kind', 'namespace', 'name', 'type')
      .count({ n: '*' })
      .whereIn('name', [...new Set(rows.map(r => r.name))])
      .andWhere('found_at', '>=', since)
      .groupBy('cluster', 'kind', 'namespace', 'name', 'type');
    for (const g of grouped) counts.set(objectKey(g), Number(g.n));
    const labels = await labelsByFingerprint(
      this.db,
      rows.map(r => r.fingerprint),
    );
    const listed = rows.map(row => findingFromRow(row));
    const similar = await similarHistory(this.db, listed, windowDays);
    return listed.map((finding, i): StoredFinding => {
      const history = labels.get(finding.fingerprint) ?? [];
      const lastResolution = history[history.length - 1];
      const like = similar.get(finding.fingerprint);
      return {
        ...finding,
        history: {
          seen: counts.get(objectKey(rows[i])) ?? 0,
          windowDays,
          ...(lastResolution ? { lastResolution } : {}),
          labels: history,
          ...(like ? { similar: like } : {}),
        },
      };
    });
  }

  async addAuditEvents(
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
          (e.responseStatus?.code === undefined ||
            e.responseStatus.code < 300) &&
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
      await this.db('hermes_kubernetes_audit_events').insert(
        rows.slice(i, i + 200),
      );
    }
    return rows.length;
  }

  async listAuditEvents(
    cluster: string,
    since: Date,
  ): Promise<KubernetesAuditEvent[]> {
    const rows: AuditEventRow[] = await this.db(
      'hermes_kubernetes_audit_events',
    )
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

  async getFinding(id: string) {
    const row = /^\d+$/.test(id)
      ? await this.db<FindingRow>('hermes_drift_findings')
          .where({ id: Number(id) })
          .first()
      : undefined;
    return row ? findingFromRow(row) : undefined;
  }

  async resolveFinding(
    id: string,
    resolution: { resolution: Resolution; note?: string; userRef: string },
  ) {
    const finding = await this.getFinding(id);
    if (!finding) throw new NotFoundError(`No drift finding with id ${id}`);
    await this.db('hermes_drift_resolutions').insert({
      finding_id: Number(finding.id),
      fingerprint: finding.fingerprint,
      resolution: resolution.resolution,
      note: resolution.note ?? null,
      user_ref: resolution.userRef,
      created_at: new Date(),
    });
    return finding;
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
}
