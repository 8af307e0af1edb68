import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  auditDrift,
  correlateAuditEvents,
  DesiredState,
  FileTree,
  formatDriftReport,
  IgnoreDifference,
  KubernetesAuditEvent,
  KubernetesObject,
  loadDesiredState,
  memoryFileTree,
  parseAuditEvents,
  parseKubernetesYaml,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SkillsService } from '../skills/SkillsService';
import { ClusterDefinition } from './clusters';
import {
  DriftStore,
  Resolution,
  StoredAudit,
  StoredFinding,
} from './DriftStore';
import { KubernetesLiveSource, LiveKind } from './KubernetesLiveSource';
import { notifyOwnersOfCriticalDrift } from './notifyOwners';
import { narrateAudit } from './narrative';
import { ModelRegistry } from '../agent/models';
import { ArgoCdConnection, readArgoCdApplication } from './ArgoCdSource';
import { MemoryService } from '../memory/MemoryService';
import { MemoryDocument } from '../memory/MemoryStore';
import {
  driftAuditDocuments,
  driftResolutionDocument,
} from '../memory/driftDocuments';

/** One entry of `hermes.audits`. */
export interface AuditDefinition {
  name: string;
  cluster: string;
  /** `path` is the folder inside the `url` tree to start from, e.g. clusters/prod. */
  desired: {
    directory?: string;
    url?: string;
    path?: string;
    argocdApplication?: string;
  };
  /** A directory of `kubectl get -o yaml` output; without it the cluster's API is read. */
  liveSnapshot?: string;
  /** Kubernetes audit events (JSON lines) to name the user behind each change. */
  auditLog?: string;
  /** When to run on Backstage's scheduler; without it the audit runs only on request. */
  schedule?: SchedulerServiceTaskScheduleDefinition;
  namespaces?: string[];
  /** `group/version/Kind` of kinds whose live objects must all be in Git. */
  watchedKinds: string[];
  ignoreDifferences: IgnoreDifference[];
}

export function readAuditDefinitions(
  config: Config,
  clusters: ClusterDefinition[],
): AuditDefinition[] {
  return (config.getOptionalConfigArray('hermes.audits') ?? []).map(
    (audit, i) => {
      const name = audit.getString('name');
      const cluster = audit.getString('cluster');
      const liveSnapshot = audit.getOptionalString('live.snapshot');
      if (!liveSnapshot && !clusters.some(c => c.name === cluster)) {
        throw new Error(
          `hermes.audits[${i}].cluster: unknown cluster "${cluster}"; configured clusters: ${
            clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
      }
      const desired = {
        directory: audit.getOptionalString('desired.directory'),
        url: audit.getOptionalString('desired.url'),
        argocdApplication: audit.getOptionalString('desired.argocdApplication'),
      };
      const subPath = audit.getOptionalString('desired.path');
      if (Object.values(desired).filter(Boolean).length !== 1) {
        throw new Error(
          `hermes.audits[${i}].desired: set exactly one of directory, url or argocdApplication`,
        );
      }
      if (desired.argocdApplication && !config.has('hermes.argocd.baseUrl')) {
        throw new Error(
          `hermes.audits[${i}].desired.argocdApplication needs hermes.argocd.baseUrl and hermes.argocd.token`,
        );
      }
      return {
        name,
        cluster,
        desired: { ...desired, ...(subPath ? { path: subPath } : {}) },
        liveSnapshot,
        auditLog: audit.getOptionalString('auditLog'),
        schedule: audit.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              audit.getConfig('schedule'),
            )
          : undefined,
        namespaces: audit.getOptionalStringArray('namespaces'),
        watchedKinds: audit.getOptionalStringArray('watchedKinds') ?? [
          'kyverno.io/v1/ClusterPolicy',
          'kyverno.io/v1/Policy',
        ],
        ignoreDifferences: (
          audit.getOptionalConfigArray('ignoreDifferences') ?? []
        ).map(d => ({
          group: d.getOptionalString('group'),
          kind: d.getString('kind'),
          name: d.getOptionalString('name'),
          namespace: d.getOptionalString('namespace'),
          jsonPointers: d.getOptionalStringArray('jsonPointers'),
          managedFieldsManagers: d.getOptionalStringArray(
            'managedFieldsManagers',
          ),
        })),
      };
    },
  );
}

function localTree(root: string): FileTree {
  return {
    read: relative =>
      fs.readFile(path.join(root, relative), 'utf8').catch(() => undefined),
    list: async relative => {
      const entries = await fs
        .readdir(path.join(root, relative), { withFileTypes: true })
        .catch(() => undefined);
      return entries?.map(e => ({ name: e.name, directory: e.isDirectory() }));
    },
  };
}

/** A tree read through the URL reader (any Git integration), held in memory. */
async function urlTree(
  urlReader: UrlReaderService,
  url: string,
): Promise<FileTree> {
  const response = await urlReader.readTree(url);
  const files = new Map<string, string>();
  for (const file of await response.files())
    files.set(file.path, (await file.content()).toString('utf8'));
  return memoryFileTree(files);
}

function splitKind(selector: string): LiveKind {
  const slash = selector.lastIndexOf('/');
  return {
    apiVersion: selector.slice(0, slash),
    kind: selector.slice(slash + 1),
  };
}

/** Drift audits: run them, read them, and record how people resolved findings. */
export interface DriftService {
  definitions(): AuditDefinition[];
  runAudit(name: string, trigger: StoredAudit['trigger']): Promise<StoredAudit>;
  listAudits(): Promise<StoredAudit[]>;
  getAudit(id: string): Promise<StoredAudit>;
  listFindings(options: {
    auditId?: string;
    namespace?: string;
  }): Promise<StoredFinding[]>;
  /** Stores audit events a cluster's API server sent to the webhook. */
  receiveAuditEvents(cluster: string, events: unknown): Promise<number>;
  resolveFinding(
    id: string,
    resolution: { resolution: Resolution; note?: string; userRef: string },
  ): Promise<void>;
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
      /** Models per purpose; the `audit` model, if any, writes a narrative summary. */
      models?: ModelRegistry;
      /** `hermes.argocd`, for audits whose desired state is an Argo CD application. */
      argocd?: ArgoCdConnection;
      /** Episodic memory, to make audits, findings and resolutions searchable. */
      memory?: Pick<MemoryService, 'remember'>;
      /** Present when the notifications plugin is installed. */
      notify?: {
        catalog: CatalogService;
        auth: AuthService;
        notifications: NotificationService;
      };
    },
  ) {}

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
      const desired = await this.readDesired(audit);
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
      const live = await this.readLive(audit, desiredObjects, warnings);
      const { rules, problems } = triageRulesFromSkills(
        await this.options.skills.listDocuments(),
      );
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
        const parsed = parseAuditEvents(
          await fs.readFile(path.resolve(audit.auditLog), 'utf8'),
        );
        events.push(...parsed.events);
        if (parsed.skipped) {
          warnings.push(
            `${audit.auditLog}: ${parsed.skipped} lines are not JSON audit events`,
          );
        }
      }
      findings = correlateAuditEvents(findings, events);
      const report = formatDriftReport({
        cluster: audit.cluster,
        findings,
        namespaces: audit.namespaces,
        warnings,
      });
      const narrative = await this.narrate(report, warnings);
      await store.finishAudit(id, { findings, report, warnings, narrative });
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
  ): Promise<string | undefined> {
    const configured = this.options.models?.languageModel('audit');
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

  /** Desired objects from a directory, a Git tree, or an Argo CD application. */
  private async readDesired(
    audit: AuditDefinition,
  ): Promise<DesiredState & { ignoreDifferences: IgnoreDifference[] }> {
    const { argocdApplication, url, directory } = audit.desired;
    if (argocdApplication) {
      const app = await readArgoCdApplication(
        this.options.argocd!,
        argocdApplication,
      );
      return {
        objects: app.objects.map(object => ({
          object,
          source: `argocd:${argocdApplication}`,
          line: 1,
        })),
        warnings: app.outOfSync.length
          ? [
              `Argo CD reports ${
                app.outOfSync.length
              } resources OutOfSync: ${app.outOfSync.join(', ')}`,
            ]
          : [],
        problems: [],
        ignoreDifferences: app.ignoreDifferences,
      };
    }
    // A local directory is read within the whole file system, so kustomizations may refer
    // to sibling folders; a Git tree is read whole, starting from `path` inside it.
    const state = url
      ? await loadDesiredState(
          await urlTree(this.options.urlReader, url),
          audit.desired.path ?? '',
        )
      : await loadDesiredState(
          localTree('/'),
          path.resolve(directory!).slice(1),
        );
    return { ...state, ignoreDifferences: [] };
  }

  private async readLive(
    audit: AuditDefinition,
    desired: KubernetesObject[],
    warnings: string[],
  ): Promise<KubernetesObject[]> {
    if (audit.liveSnapshot) {
      const dir = path.resolve(audit.liveSnapshot);
      const objects: KubernetesObject[] = [];
      for (const entry of (await fs.readdir(dir)).sort()) {
        if (!/\.ya?ml$/i.test(entry)) continue;
        const parsed = parseKubernetesYaml(
          await fs.readFile(path.join(dir, entry), 'utf8'),
          entry,
        );
        objects.push(...parsed.objects.map(o => o.object));
        warnings.push(...parsed.problems.map(p => `${p.source}: ${p.message}`));
      }
      return objects;
    }
    const cluster = this.options.clusters.find(c => c.name === audit.cluster)!;
    const kinds = new Map<string, LiveKind>();
    for (const o of desired)
      kinds.set(`${o.apiVersion}/${o.kind}`, {
        apiVersion: o.apiVersion,
        kind: o.kind,
      });
    for (const k of audit.watchedKinds) kinds.set(k, splitKind(k));
    const state = await new KubernetesLiveSource(cluster).read(
      [...kinds.values()],
      audit.namespaces,
    );
    for (const e of state.errors) {
      warnings.push(
        `could not list ${e.kind}${
          e.namespace ? ` in namespace ${e.namespace}` : ''
        }: ${e.message}`,
      );
    }
    return state.objects;
  }

  listAudits() {
    return this.options.store.listAudits();
  }

  async getAudit(id: string) {
    const audit = await this.options.store.getAudit(id);
    if (!audit) throw new NotFoundError(`No drift audit with id ${id}`);
    return audit;
  }

  listFindings(options: { auditId?: string; namespace?: string }) {
    return this.options.store.listFindings(options);
  }

  async receiveAuditEvents(cluster: string, body: unknown): Promise<number> {
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
    return this.options.store.addAuditEvents(
      cluster,
      list.items as KubernetesAuditEvent[],
    );
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
}
