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
  auditDrift,
  correlateAuditEvents,
  Classification,
  decodeUtf8,
  LabelledFinding,
  entityFindingFilter,
  findingBelongsToEntity,
  formatDriftReport,
  parseAuditEvents,
  readAuditEvents,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClusterDefinition } from '../kubernetes/clusters';
import { MemoryDocument, MemoryService } from '../memory/MemoryService';
import { ModelRegistry } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { ArgoCdConnection, readArgoCdConnection } from './ArgoCdSource';
import { AuditDefinition, readAuditDefinitions } from './definitions';
import {
  DriftStore,
  KnexDriftStore,
  Resolution,
  StoredAudit,
  StoredFinding,
} from './DriftStore';
import {
  driftAuditDocuments,
  driftResolutionDocument,
} from './memoryDocuments';
import { narrateAudit } from './narrative';
import { notifyOwnersOfCriticalDrift } from './notifyOwners';
import { readDesired, readLive, splitKind } from './sources';
import { reportHistory, suggestForAudit } from './suggestions';

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
    private readonly options: {
      store: DriftStore;
      skills: SkillsService;
      urlReader: UrlReaderService;
      logger: LoggerService;
      clusters: ClusterDefinition[];
      audits: AuditDefinition[];
      /** Maps findings to entities, with the caller's permissions. */
      catalog: CatalogService;
      /** Models per purpose; the `audit` model, if any, writes a narrative summary. */
      models?: ModelRegistry;
      /** `hermes.argocd`, for audits whose desired state is an Argo CD application. */
      argocd?: ArgoCdConnection;
      /** Episodic memory, to make audits, findings and resolutions searchable. */
      memory?: Pick<MemoryService, 'remember'>;
      /** Tells the owners of entities with critical drift. */
      notify?: {
        auth: AuthService;
        notifications: NotificationService;
      };
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
    memory: Pick<MemoryService, 'remember'>;
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
    const { store, logger } = this.options;
    const audit = this.options.audits.find(a => a.name === name);
    if (!audit)
      throw new NotFoundError(`No audit named "${name}" in hermes.audits`);
    const desiredSource = audit.desired.argocdApplication
      ? `Argo CD application ${audit.desired.argocdApplication}`
      : audit.desired.url ?? path.resolve(audit.desired.directory!);
    const liveSource = audit.liveSnapshot
      ? `snapshot ${path.resolve(audit.liveSnapshot)}`
      : `cluster ${audit.cluster}`;
    const id = await store.startAudit({
      cluster: audit.cluster,
      trigger,
      desiredSource,
      liveSource,
    });
    const warnings: string[] = [];
    try {
      const desired = await readDesired(audit, this.options);
      warnings.push(
        ...desired.warnings,
        ...desired.problems.map(p => `${p.source}: ${p.message}`),
      );
      if (desired.problems.length) {
        warnings.push(
          'objects in the cluster but not in Git are not reported: the desired state is incomplete',
        );
      }
      const desiredObjects = desired.objects.map(o => o.object);
      const live = await readLive(
        audit,
        desiredObjects,
        warnings,
        this.options.clusters,
      );
      // Read per run, so a rule approved since the last audit applies to this one.
      const skillDocuments = await this.options.skills.listDocuments();
      const { rules, problems } = triageRulesFromSkills(skillDocuments);
      warnings.push(...problems.map(p => `skill ${p.skill}: ${p.message}`));
      let findings = auditDrift({
        cluster: audit.cluster,
        desired: desiredObjects,
        live,
        namespaces: audit.namespaces,
        watchedKinds: audit.watchedKinds.map(k => splitKind(k).kind),
        ignoreDifferences: [
          ...audit.ignoreDifferences,
          ...desired.ignoreDifferences,
        ],
        triageRules: rules,
        reportExtra: desired.problems.length === 0,
      });
      // Users behind the changes: events received at the webhook, plus an audit log file.
      const events = await store.listAuditEvents(
        audit.cluster,
        new Date(Date.now() - 30 * 86_400_000),
      );
      if (audit.auditLog) {
        const log = decodeUtf8(
          await fs.readFile(path.resolve(audit.auditLog)),
          audit.auditLog,
        );
        if (log.warning) warnings.push(log.warning);
        const parsed = parseAuditEvents(log.text);
        events.push(...parsed.events);
        if (parsed.skipped) {
          warnings.push(
            `${audit.auditLog}: skipped ${parsed.skipped} entries that are not audit events`,
          );
        }
      }
      findings = correlateAuditEvents(findings, events);
      const history = await store.fingerprintHistory(
        findings.map(f => f.fingerprint),
      );
      // Similar drift of the whole audit in one query; the model and the report both use it.
      for (const [fingerprint, similar] of await store.similarHistory(
        findings,
      )) {
        const known = history.get(fingerprint);
        if (known) known.similar = similar;
      }
      const triage = await suggestForAudit({
        models: this.options.models,
        model: options.model,
        findings,
        history,
        skills: skillDocuments,
        warnings,
      });
      const report = formatDriftReport({
        cluster: audit.cluster,
        findings: triage.findings.map(f => ({
          ...f,
          history: reportHistory(history.get(f.fingerprint)),
        })),
        namespaces: audit.namespaces,
        warnings,
      });
      const narrative = await this.narrate(report, warnings, options.model);
      await store.finishAudit(id, {
        findings: triage.findings,
        report,
        warnings,
        narrative,
        triageModel: triage.usage,
      });
      await this.remember(
        driftAuditDocuments({
          id,
          name,
          cluster: audit.cluster,
          report,
          narrative,
          findings,
        }),
      );
      if (this.options.notify) {
        await notifyOwnersOfCriticalDrift({
          cluster: audit.cluster,
          findings,
          logger,
          catalog: this.options.catalog,
          ...this.options.notify,
        }).catch(error =>
          logger.warn(
            `Could not notify owners of critical drift: ${
              (error as Error).message
            }`,
          ),
        );
      }
      logger.info(
        `Drift audit "${name}" of ${audit.cluster}: ${findings.length} findings, ${warnings.length} warnings`,
      );
    } catch (error) {
      logger.error(`Drift audit "${name}" failed: ${(error as Error).message}`);
      await store.failAudit(id, (error as Error).message, warnings);
    }
    return (await store.getAudit(id))!;
  }

  /** Memory is a convenience: failing to index never fails what was already stored. */
  private async remember(docs: MemoryDocument[]): Promise<void> {
    const { memory, logger } = this.options;
    if (!memory) return;
    try {
      await memory.remember(...docs);
    } catch (error) {
      logger.warn(`Could not add drift to memory: ${(error as Error).message}`);
    }
  }

  /** A model's summary when one is configured for audits; the report is complete without it. */
  private async narrate(
    report: string,
    warnings: string[],
    model?: string,
  ): Promise<string | undefined> {
    const configured = this.options.models?.languageModel('audit', model);
    if (!configured) return undefined;
    try {
      return await narrateAudit(
        configured.model,
        report,
        configured.selection.timeoutMs,
      );
    } catch (error) {
      warnings.push(
        `no narrative summary: the audit model ${
          configured.selection.provider
        }/${configured.selection.model} failed: ${(error as Error).message}`,
      );
      return undefined;
    }
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
    await this.remember([driftResolutionDocument(finding, resolution)]);
  }

  listLabelledFindings(options?: { since?: Date }) {
    return this.options.store.listLabelledFindings(options);
  }

  triageMetrics(options?: { limit?: number }) {
    return this.options.store.triageMetrics(options);
  }
}
