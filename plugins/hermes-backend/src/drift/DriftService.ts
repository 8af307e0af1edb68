import {
  AuthService,
  BackstageCredentials,
  DatabaseService,
  LoggerService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AuditLearningMetrics,
  DriftFindingPage,
  DriftFindingFilters,
  LabelledFinding,
  ResolutionEvent,
  RESOLUTIONS,
  entityFindingFilter,
  findingBelongsToEntity,
  readAuditEvents,
} from '@hermes-backstage/plugin-hermes-common';
import { ClusterDefinition } from '../kubernetes/clusters';
import { MemoryService } from '../memory/MemoryService';
import { ModelRegistry } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { readArgoCdConnection } from './ArgoCdSource';
import { AuditDefinition, readAuditDefinitions } from './definitions';
import {
  KnexDriftStore,
  Resolution,
  StoredAudit,
  StoredFinding,
} from './DriftStore';
import { ListedRow } from './findingQueries';
import { driftResolutionDocument } from './memoryDocuments';
import { findingFromRow } from './rows';
import { ownedWorkloads, ownersOf } from './workloads';
import { AuditRunDependencies, rememberDrift, runAudit } from './runAudit';

/**
 * Who asks, for the permission checks of `AuthorizedDriftService`; absent when Hermes itself
 * asks (a schedule).
 */
export interface DriftCaller {
  credentials?: BackstageCredentials;
}

/** How one run goes: a scheduled task may name its own model (`provider/model`). */
export interface AuditRunOptions extends DriftCaller {
  /** Replaces the `audit` model for this run's suggestions and narrative. */
  model?: string;
}

/** Which findings to list, for whom; see `DriftService.listFindings`. */
export interface FindingListOptions extends DriftFindingFilters {
  credentials: BackstageCredentials;
}

/** A page of findings: `limit` default 50 (at most 500), `offset` default 0. */
export interface FindingPageOptions extends FindingListOptions {
  limit?: number;
  offset?: number;
  /** Which matching findings the caller may see (AuthorizedDriftService sets it). */
  visible?: (finding: Omit<StoredFinding, 'history'>) => boolean;
}

/** A page of audit runs, newest first: `limit` default 50 (at most 200), `offset` default 0. */
export interface AuditPageOptions extends DriftCaller {
  limit?: number;
  offset?: number;
}

/** One page of audit runs and how many are stored in all. */
export interface DriftAuditPage {
  audits: StoredAudit[];
  total: number;
  limit: number;
  offset: number;
}

/** The most audit runs one page holds. */
export const MAX_AUDIT_PAGE = 200;

/**
 * A resolution as people send it: `comment` (or `note`, its earlier name), a ticket URL, and
 * with `silenceUntil` (ISO 8601, within 90 days) a silence instead of a resolution.
 */
export interface ResolutionRequest {
  resolution: Resolution;
  comment?: string;
  note?: string;
  ticket?: string;
  silenceUntil?: string | Date;
  userRef: string;
}

/** How long a silence may last. */
export const MAX_SILENCE_DAYS = 90;

/** Drift audits: run them, read them, and record how people resolved findings. */
export interface DriftService {
  definitions(): AuditDefinition[];
  runAudit(
    name: string,
    trigger: StoredAudit['trigger'],
    options?: AuditRunOptions,
  ): Promise<StoredAudit>;
  /** The latest 50 audit runs, newest first; `pageAudits` pages. */
  listAudits(caller?: DriftCaller): Promise<StoredAudit[]>;
  /** One page of audit runs, newest first, paged in the database, with the total. */
  pageAudits(options?: AuditPageOptions): Promise<DriftAuditPage>;
  getAudit(id: string, caller?: DriftCaller): Promise<StoredAudit>;
  /** One finding as its audit stored it. */
  getFinding(id: string): Promise<Omit<StoredFinding, 'history'>>;
  /**
   * The findings of one audit, or each drift once as its latest audit found it (open drift by
   * default). With `entityRef`, only those about the entity's workloads, and only when the
   * caller may read the entity. All of them: `pageFindings` pages.
   */
  listFindings(options: FindingListOptions): Promise<StoredFinding[]>;
  /** The same, one page at a time, with how many matched in all. */
  pageFindings(options: FindingPageOptions): Promise<DriftFindingPage>;
  /**
   * Stores audit events a cluster's API server sent to the webhook: how many writes were
   * stored, and how many items were skipped as null or malformed (only when there were any).
   */
  receiveAuditEvents(
    cluster: string,
    events: unknown,
  ): Promise<{ stored: number; skipped?: number }>;
  /** Records a resolution, or a silence, of the finding's drift. */
  resolveFinding(
    id: string,
    resolution: ResolutionRequest,
    caller?: DriftCaller,
  ): Promise<void>;
  /**
   * Undoes the latest resolution event of the finding's drift. Its author may; `asAdmin`
   * (someone with hermes.drift.read, or Hermes itself) may undo anyone's.
   */
  undoResolution(
    id: string,
    undo: { userRef: string; asAdmin?: boolean },
    caller?: DriftCaller,
  ): Promise<ResolutionEvent>;
  /**
   * Every drift people resolved: each fingerprint's latest finding (as stored, with changes
   * and attribution) and its label history; with `since`, drift labelled since then. For rule
   * induction and its evaluation.
   */
  listLabelledFindings(
    options?: { since?: Date },
    caller?: DriftCaller,
  ): Promise<LabelledFinding[]>;
  /**
   * Per successful audit run, oldest first (the last `limit`, default 60): how its findings
   * were classified (by a rule, with a model suggestion, unknown) and the model's calls and
   * tokens for triage.
   */
  triageMetrics(
    options?: { limit?: number },
    caller?: DriftCaller,
  ): Promise<AuditLearningMetrics[]>;
  /**
   * Retention, for Hermes itself (no route calls it): deletes finished audit runs that started
   * before `cutoff` and whose findings no reader can still reach (see `DriftStore`); returns
   * how many.
   */
  deleteAuditsBefore(cutoff: Date): Promise<number>;
}

export class DefaultDriftService implements DriftService {
  constructor(
    private readonly options: AuditRunDependencies & {
      audits: AuditDefinition[];
    },
  ) {}

  /** The service as the plugin runs it, with `hermes.audits` and `hermes.argocd` read. */
  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    urlReader: UrlReaderService;
    catalog: CatalogService;
    auth: AuthService;
    notifications: NotificationService;
    clusters: ClusterDefinition[];
    models: ModelRegistry;
    skills: SkillsService;
    memory: Pick<MemoryService, 'remember' | 'recall'>;
  }): Promise<DefaultDriftService> {
    const { config, auth, notifications } = options;
    return new DefaultDriftService({
      ...options,
      store: await KnexDriftStore.create(options),
      audits: readAuditDefinitions(config, options.clusters),
      argocd: readArgoCdConnection(config),
      notify: { auth, notifications },
    });
  }

  definitions() {
    return this.options.audits;
  }

  /** One run per schedule across replicas; a frequency schedule also runs at start-up. */
  async scheduleAudits(scheduler: SchedulerService): Promise<void> {
    for (const audit of this.options.audits) {
      if (!audit.schedule) continue;
      await scheduler.scheduleTask({
        id: `hermes-drift-audit-${audit.name}`,
        scope: 'global',
        ...audit.schedule,
        fn: async () => {
          await this.runAudit(audit.name, 'schedule');
        },
      });
    }
  }

  async runAudit(
    name: string,
    trigger: StoredAudit['trigger'],
    options: AuditRunOptions = {},
  ): Promise<StoredAudit> {
    const audit = this.options.audits.find(a => a.name === name);
    if (!audit)
      throw new NotFoundError(`No audit named "${name}" in hermes.audits`);
    return runAudit(this.options, audit, trigger, options.model);
  }

  listAudits() {
    return this.options.store.listAudits();
  }

  async pageAudits(options: AuditPageOptions = {}): Promise<DriftAuditPage> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE)
      throw new InputError(
        `limit: expected a whole number from 1 to ${MAX_AUDIT_PAGE}, got ${limit}`,
      );
    if (!Number.isInteger(offset) || offset < 0)
      throw new InputError(
        `offset: expected a whole number from 0, got ${offset}`,
      );
    const { store } = this.options;
    const [audits, total] = await Promise.all([
      store.listAudits({ limit, offset }),
      store.countAudits(),
    ]);
    return { audits, total, limit, offset };
  }

  async getAudit(id: string) {
    const audit = await this.options.store.getAudit(id);
    if (!audit) throw new NotFoundError(`No drift audit with id ${id}`);
    return audit;
  }

  async getFinding(id: string) {
    const finding = await this.options.store.getFinding(id);
    if (!finding) throw new NotFoundError(`No drift finding with id ${id}`);
    return finding;
  }

  async listFindings(options: FindingListOptions): Promise<StoredFinding[]> {
    return (await this.pageFindings({ ...options, limit: Infinity })).findings;
  }

  async pageFindings(options: FindingPageOptions): Promise<DriftFindingPage> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 1)))
      throw new InputError(
        `limit: expected a whole number from 1, got ${limit}`,
      );
    if (!Number.isInteger(offset) || offset < 0)
      throw new InputError(
        `offset: expected a whole number from 0, got ${offset}`,
      );
    const rows = (await this.matchingFindings(options)).filter(
      row => !options.visible || options.visible(findingFromRow(row)),
    );
    const page = rows.slice(offset, offset + limit);
    return {
      findings: await this.options.store.describeFindings(page),
      total: rows.length,
      limit: limit === Infinity ? rows.length : limit,
      offset,
    };
  }

  private async matchingFindings(
    options: FindingListOptions,
  ): Promise<ListedRow[]> {
    const { auditId, cluster, namespace, entityRef, owner } = options;
    const { catalog, store } = this.options;
    const state =
      options.state === 'all' || (auditId && !options.state)
        ? undefined
        : options.state ?? 'open';
    let annotations: Record<string, string> | undefined;
    if (entityRef) {
      // Reading the entity with the caller's credentials applies catalog permissions.
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: options.credentials,
      });
      if (!entity)
        throw new NotFoundError(
          `No entity ${entityRef}, or you may not read it`,
        );
      annotations = entity.metadata.annotations ?? {};
    }
    const entity = annotations && entityFindingFilter(annotations);
    if (annotations && !entity) return [];
    const owned =
      owner && (await ownedWorkloads(catalog, options.credentials, owner));
    if (owned && owned.length === 0) return [];
    const rows = await store.queryFindings({
      auditId,
      cluster,
      namespace,
      classification: options.classification,
      state,
      entity,
    });
    return rows.filter(row => {
      if (!annotations && !owned) return true;
      const finding = findingFromRow(row);
      return (
        (!annotations || findingBelongsToEntity(finding, annotations)) &&
        (!owned || ownersOf(finding, owned).length > 0)
      );
    });
  }

  async receiveAuditEvents(cluster: string, body: unknown) {
    if (
      !this.options.clusters.some(c => c.name === cluster) &&
      !this.options.audits.some(a => a.cluster === cluster)
    ) {
      throw new NotFoundError(`Unknown cluster "${cluster}"`);
    }
    const list = body as { kind?: string; items?: unknown };
    if (list?.kind !== 'EventList' || !Array.isArray(list.items)) {
      throw new InputError('Expected an audit.k8s.io EventList with items');
    }
    // A bad item costs only itself: the rest of the batch is stored.
    const { events, skipped } = readAuditEvents(list.items);
    const stored = await this.options.store.addAuditEvents(cluster, events);
    return skipped ? { stored, skipped } : { stored };
  }

  async resolveFinding(id: string, request: ResolutionRequest) {
    const input = validateResolution(request);
    const finding = await this.options.store.resolveFinding(id, input);
    await rememberDrift(this.options, [
      driftResolutionDocument(finding, input),
    ]);
  }

  async undoResolution(
    id: string,
    undo: { userRef: string; asAdmin?: boolean },
  ) {
    return (await this.options.store.undoResolution(id, undo)).undone;
  }

  listLabelledFindings(options?: { since?: Date }) {
    return this.options.store.listLabelledFindings(options);
  }

  triageMetrics(options?: { limit?: number }) {
    return this.options.store.triageMetrics(options);
  }

  deleteAuditsBefore(cutoff: Date) {
    return this.options.store.deleteAuditsBefore(cutoff);
  }
}

/** Checks what a person sent before anything is stored, naming what was wrong. */
export function validateResolution(request: ResolutionRequest) {
  const { resolution, comment, note, ticket, silenceUntil, userRef } = request;
  if (!RESOLUTIONS.includes(resolution))
    throw new InputError(
      `resolution: expected one of ${RESOLUTIONS.join(
        ', ',
      )}, got "${resolution}"`,
    );
  if (comment !== undefined && note !== undefined && comment !== note)
    throw new InputError(
      'comment and note are the same field (note is its earlier name); send one',
    );
  const text = comment ?? note;
  if (text && text.length > 2000)
    throw new InputError('comment: at most 2000 characters');
  if (ticket !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(ticket);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      ticket.length > 2000
    )
      throw new InputError(
        `ticket: expected an http(s) URL of at most 2000 characters, got "${ticket.slice(
          0,
          100,
        )}"`,
      );
  }
  let until: Date | undefined;
  if (silenceUntil !== undefined) {
    until = new Date(silenceUntil);
    if (Number.isNaN(until.getTime()))
      throw new InputError(
        `silenceUntil: expected an ISO 8601 time, got "${String(
          silenceUntil,
        ).slice(0, 100)}"`,
      );
    const now = Date.now();
    if (until.getTime() <= now)
      throw new InputError(
        `silenceUntil: ${until.toISOString()} is not in the future`,
      );
    if (until.getTime() > now + MAX_SILENCE_DAYS * 86_400_000)
      throw new InputError(
        `silenceUntil: at most ${MAX_SILENCE_DAYS} days ahead, got ${until.toISOString()}`,
      );
  }
  return {
    resolution,
    ...(text ? { note: text } : {}),
    ...(ticket ? { ticket } : {}),
    ...(until ? { silenceUntil: until } : {}),
    userRef,
  };
}
