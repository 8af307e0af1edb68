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
  Classification,
  LabelledFinding,
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
import { driftResolutionDocument } from './memoryDocuments';
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

/** Drift audits: run them, read them, and record how people resolved findings. */
export interface DriftService {
  definitions(): AuditDefinition[];
  runAudit(
    name: string,
    trigger: StoredAudit['trigger'],
    options?: AuditRunOptions,
  ): Promise<StoredAudit>;
  listAudits(caller?: DriftCaller): Promise<StoredAudit[]>;
  getAudit(id: string, caller?: DriftCaller): Promise<StoredAudit>;
  /** One finding as its audit stored it. */
  getFinding(id: string): Promise<Omit<StoredFinding, 'history'>>;
  /**
   * The findings of one audit, or of the latest audit of each cluster. With `entityRef`, only
   * those about the entity's workloads, and only when the caller may read the entity.
   */
  listFindings(options: {
    credentials: BackstageCredentials;
    auditId?: string;
    namespace?: string;
    entityRef?: string;
    classification?: Classification;
  }): Promise<StoredFinding[]>;
  /**
   * Stores audit events a cluster's API server sent to the webhook: how many writes were
   * stored, and how many items were skipped as null or malformed (only when there were any).
   */
  receiveAuditEvents(
    cluster: string,
    events: unknown,
  ): Promise<{ stored: number; skipped?: number }>;
  resolveFinding(
    id: string,
    resolution: { resolution: Resolution; note?: string; userRef: string },
    caller?: DriftCaller,
  ): Promise<void>;
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

  async listFindings(options: {
    credentials: BackstageCredentials;
    auditId?: string;
    namespace?: string;
    entityRef?: string;
    classification?: Classification;
  }): Promise<StoredFinding[]> {
    const { auditId, namespace, entityRef, classification } = options;
    let annotations: Record<string, string> | undefined;
    if (entityRef) {
      // Reading the entity with the caller's credentials applies catalog permissions.
      const entity = await this.options.catalog.getEntityByRef(entityRef, {
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
    const findings = await this.options.store.listFindings({
      auditId,
      namespace,
      entity,
    });
    return findings.filter(
      f =>
        (!classification || f.classification === classification) &&
        (!annotations || findingBelongsToEntity(f, annotations)),
    );
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

  async resolveFinding(
    id: string,
    resolution: { resolution: Resolution; note?: string; userRef: string },
  ) {
    if (resolution.note && resolution.note.length > 2000)
      throw new InputError('note: at most 2000 characters');
    const finding = await this.options.store.resolveFinding(id, resolution);
    await rememberDrift(this.options, [
      driftResolutionDocument(finding, resolution),
    ]);
  }

  listLabelledFindings(options?: { since?: Date }) {
    return this.options.store.listLabelledFindings(options);
  }

  triageMetrics(options?: { limit?: number }) {
    return this.options.store.triageMetrics(options);
  }
}
