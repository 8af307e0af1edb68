import {
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  auditDrift,
  correlateAuditEvents,
  decodeUtf8,
  formatDriftReport,
  parseAuditEvents,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClusterDefinition } from '../kubernetes/clusters';
import { MemoryDocument, MemoryService } from '../memory/MemoryService';
import { ModelRegistry } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { ArgoCdConnection } from './ArgoCdSource';
import { AuditDefinition } from './definitions';
import { DriftStore, StoredAudit } from './DriftStore';
import { driftAuditDocuments } from './memoryDocuments';
import { narrateReport } from './narrative';
import { notifyOwnersOfCriticalDrift } from './notifyOwners';
import { sourceLinks } from './links';
import { readDesired, readLive, splitKind } from './sources';
import { reportHistory, suggestForAudit } from './suggestions';

/** What an audit run reads from and writes to. */
export interface AuditRunDependencies {
  store: DriftStore;
  skills: SkillsService;
  urlReader: UrlReaderService;
  logger: LoggerService;
  clusters: ClusterDefinition[];
  /** Maps findings to entities, with the caller's permissions. */
  catalog: CatalogService;
  /** Models per purpose; the `audit` model, if any, writes a narrative summary. */
  models?: ModelRegistry;
  /** `hermes.argocd`, for audits whose desired state is an Argo CD application. */
  argocd?: ArgoCdConnection;
  /** Episodic memory: audits, findings and resolutions are remembered, and past drift recalled. */
  memory?: Pick<MemoryService, 'remember' | 'recall'>;
  /** Tells the owners of entities with critical drift. */
  notify?: {
    auth: AuthService;
    notifications: NotificationService;
  };
}

/** Memory is a convenience: failing to index never fails what was already stored. */
export async function rememberDrift(
  deps: Pick<AuditRunDependencies, 'memory' | 'logger'>,
  docs: MemoryDocument[],
): Promise<void> {
  const { memory, logger } = deps;
  if (!memory) return;
  try {
    await memory.remember(...docs);
  } catch (error) {
    logger.warn(`Could not add drift to memory: ${(error as Error).message}`);
  }
}

/**
 * Runs one audit: reads desired and live state, diffs and triages them, and stores the report.
 * A failure is stored on the audit rather than thrown; `model` replaces the `audit` model.
 */
export async function runAudit(
  deps: AuditRunDependencies,
  audit: AuditDefinition,
  trigger: StoredAudit['trigger'],
  model?: string,
): Promise<StoredAudit> {
  const { store, logger } = deps;
  const { name } = audit;
  const desiredSource = audit.desired.argocdApplication
    ? `Argo CD application ${audit.desired.argocdApplication}`
    : audit.desired.url ?? path.resolve(audit.desired.directory!);
  const liveSource = audit.liveSnapshot
    ? `snapshot ${path.resolve(audit.liveSnapshot)}`
    : `cluster ${audit.cluster}`;
  const id = await store.startAudit({
    name,
    cluster: audit.cluster,
    trigger,
    desiredSource,
    liveSource,
  });
  const warnings: string[] = [];
  try {
    const desired = await readDesired(audit, deps);
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
    const live = await readLive(audit, desiredObjects, warnings, deps.clusters);
    // Read per run, so a rule approved since the last audit applies to this one.
    const skillDocuments = await deps.skills.listDocuments();
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
    for (const [fingerprint, similar] of await store.similarHistory(findings)) {
      const known = history.get(fingerprint);
      if (known) known.similar = similar;
    }
    const triage = await suggestForAudit({
      models: deps.models,
      model,
      findings,
      history,
      memory: deps.memory,
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
    const narrative = await narrateReport(deps.models, report, warnings, model);
    const links = sourceLinks(triage.findings, {
      ...(audit.desired.url
        ? { tree: { url: audit.desired.url, revision: desired.revision } }
        : {}),
      // Files of a Git tree or a local checkout; Argo CD renders objects, not files.
      ...(!audit.desired.argocdApplication
        ? {
            files: desired.objects.map(o => ({
              resource: {
                apiVersion: o.object.apiVersion,
                kind: o.object.kind,
                namespace: o.object.metadata.namespace,
                name: o.object.metadata.name ?? '',
              },
              file: o.source,
              line: o.line,
            })),
          }
        : {}),
      ...(audit.desired.argocdApplication && deps.argocd
        ? {
            argocd: {
              baseUrl: deps.argocd.baseUrl,
              application: audit.desired.argocdApplication,
            },
          }
        : {}),
    });
    await store.finishAudit(id, {
      findings: triage.findings.map(f => {
        const link = links.get(f);
        return link ? { ...f, links: link } : f;
      }),
      report,
      warnings,
      narrative,
      triageModel: triage.usage,
      // Without the whole desired state, objects not in Git were not looked for.
      reportsExtra: desired.problems.length === 0,
    });
    await rememberDrift(
      deps,
      driftAuditDocuments({
        id,
        name,
        cluster: audit.cluster,
        report,
        narrative,
        findings,
      }),
    );
    if (deps.notify) {
      await notifyOwnersOfCriticalDrift({
        cluster: audit.cluster,
        findings,
        logger,
        catalog: deps.catalog,
        ...deps.notify,
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
