// The real mode: the scenario's days as files, audited by the backend's DefaultDriftService on
// a SQLite database with a DefaultSkillsService (no shipped skills), the audit model reached
// through the real `@ai-sdk/openai` provider on a loopback server; a person labels each
// finding through resolveFinding, DefaultLearningService.run() induces and gates candidates,
// and the person approves each proposed one through the service's approve path.
//
// Run: yarn bench:learning:real [--seed N] [--scale N] (or bench:learning --real)
import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  hermesSkillsApprovePermission,
  labelClass,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAuditDefinitions } from '../../plugins/hermes-backend/src/drift/definitions';
import { DefaultDriftService } from '../../plugins/hermes-backend/src/drift/DriftService';
import { KnexDriftStore } from '../../plugins/hermes-backend/src/drift/DriftStore';
import { DefaultLearningService } from '../../plugins/hermes-backend/src/learning/LearningService';
import { ModelRegistry } from '../../plugins/hermes-backend/src/models/ModelRegistry';
import { DefaultSkillsService } from '../../plugins/hermes-backend/src/skills/DefaultSkillsService';
import { writeDay } from './cluster';
import { startModelServer } from './modelServer';
import { AuditRow, Outcome, Rejections, report } from './report';
import { CLUSTER, DAYS, MIN_SUPPORT, scenario } from './scenario';

const PERSON = 'user:default/simulated-person';

/** Logs go nowhere; warnings and errors are kept and printed at the end. */
function collectingLogger(problems: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => problems.push(`error: ${message}`),
    warn: message => problems.push(`warn: ${message}`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** A policy of one rule: only the approvers may approve skills; everything else is denied. */
function approvePolicy(approvers: string[]): PermissionsService {
  const decide = (requests: any[], options?: { credentials?: any }) => {
    const ref = options?.credentials?.principal?.userEntityRef;
    return requests.map(r => ({
      result:
        r.permission.name === hermesSkillsApprovePermission.name &&
        approvers.includes(ref)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  };
  return {
    authorize: async (requests, options) => decide(requests, options),
    authorizeConditional: async (requests, options) =>
      decide(requests, options),
  } as PermissionsService;
}

/** Days are written only for the audit run; the reader never reaches a URL. */
const noUrls = new Proxy(
  {},
  {
    get: (_, name) => () => {
      throw new Error(`the bench reads no URLs (${String(name)})`);
    },
  },
) as any;

const dayName = (day: number) => `day-${String(day).padStart(2, '0')}`;

export async function runReal(seed: number, scale: number) {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-learning-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'hermes.sqlite') },
    useNullAsDefault: true,
  });
  const database = {
    getClient: async () => knex,
    migrations: { skip: false },
  };
  const model = await startModelServer();
  const problems: string[] = [];
  const logger = collectingLogger(problems);
  try {
    // The keys a portal's app-config would hold: one audit per day, each its own directory.
    const config = new ConfigReader({
      hermes: {
        model: {
          providers: { bench: { baseUrl: model.baseUrl, apiKey: 'bench' } },
        },
        models: {
          audit: {
            provider: 'bench',
            model: 'audit-small',
            timeoutSeconds: 30,
          },
        },
        skills: { directories: [] },
        learning: { minSupport: MIN_SUPPORT },
        audits: Array.from({ length: DAYS }, (_, i) => ({
          name: dayName(i + 1),
          cluster: CLUSTER,
          desired: { directory: path.join(dir, dayName(i + 1), 'desired') },
          live: { snapshot: path.join(dir, dayName(i + 1), 'live') },
          watchedKinds: ['kyverno.io/v1/ClusterPolicy'],
        })),
      },
    });
    const skills = await DefaultSkillsService.create({
      config,
      database,
      logger,
    });
    const drift = new DefaultDriftService({
      store: await KnexDriftStore.create({ database }),
      audits: readAuditDefinitions(config, []),
      skills,
      urlReader: noUrls,
      logger,
      clusters: [],
      catalog: catalogServiceMock(),
      models: ModelRegistry.fromConfig(config),
    });
    const learning = await DefaultLearningService.create({
      config,
      database,
      logger,
      drift,
      skills,
      permissions: approvePolicy([PERSON]),
    });
    const person = mockCredentials.user(PERSON);

    const days = scenario(seed, scale);
    const rows: AuditRow[] = [];
    const rejected: Rejections = new Map();
    const outcome: Outcome = {
      ruled: 0,
      ruledAgreeing: 0,
      criticalCalledHarmless: 0,
      disagreements: new Map(),
    };
    const auditIds: string[] = [];
    const warnings = new Map<string, number>();
    let planted = 0;
    let unplanned = 0;
    let findingsSeen = 0;
    /** What the last 3 audits still sent to the model, by planted drift. */
    const lateUnknown = new Map<string, number>();

    for (let day = 1; day <= DAYS; day++) {
      const drifts = days.day(day);
      planted += drifts.length;
      const planned = writeDay(
        path.join(dir, dayName(day)),
        scale,
        day,
        drifts,
      );

      let t = performance.now();
      const audit = await drift.runAudit(dayName(day), 'manual');
      const auditMs = performance.now() - t;
      if (audit.status !== 'succeeded')
        throw new Error(
          `audit ${dayName(day)} ${audit.status}: ${audit.error}`,
        );
      auditIds.push(audit.id);
      for (const w of audit.warnings)
        warnings.set(w, (warnings.get(w) ?? 0) + 1);
      const findings = await drift.listFindings({
        credentials: person,
        auditId: audit.id,
      });
      findingsSeen += findings.length;

      t = performance.now();
      let byRule = 0;
      let suggested = 0;
      for (const f of findings) {
        const key = `${f.resource.kind}/${f.resource.namespace ?? ''}/${
          f.resource.name
        }`;
        const plan = planned.get(key);
        if (!plan) {
          unplanned++;
          continue;
        }
        if (f.classification === 'unknown') {
          if (f.suggestion) suggested++;
          if (day > DAYS - 3) {
            const what = `${plan.patterns.join(' + ')} (${plan.truth})`;
            lateUnknown.set(what, (lateUnknown.get(what) ?? 0) + 1);
          }
        } else {
          byRule++;
          outcome.ruled++;
          const truth = labelClass(plan.truth);
          if (truth === f.classification) outcome.ruledAgreeing++;
          else {
            const what = `${f.skill} called ${plan.patterns.join(' + ')} (${
              plan.truth
            }) ${f.classification}`;
            outcome.disagreements.set(
              what,
              (outcome.disagreements.get(what) ?? 0) + 1,
            );
          }
          if (truth === 'critical' && f.classification === 'harmless')
            outcome.criticalCalledHarmless++;
        }
        // The person labels every finding the day it appears, from the ground truth.
        await drift.resolveFinding(f.id, {
          resolution: plan.truth,
          note: plan.patterns.join('; '),
          userRef: PERSON,
        });
      }

      // Induction and the gate over every label so far; the person approves what passes.
      const candidates = await learning.run();
      let accepted = 0;
      for (const c of candidates) {
        if (c.status === 'proposed') {
          await learning.approve(c.id, person);
          accepted++;
        } else {
          const what = `${c.skill} (${c.rule.classify})`;
          rejected.set(what, {
            audits: (rejected.get(what)?.audits ?? 0) + 1,
            reason: c.rule.reason,
            why: c.rejection ?? '',
          });
        }
      }
      const { rules } = triageRulesFromSkills(await skills.listDocuments());
      rows.push({
        day,
        findings: findings.length,
        byRule,
        unknown: findings.length - byRule,
        suggested,
        calls: audit.triageModel?.calls ?? 0,
        tokens: audit.triageModel?.tokens ?? 0,
        proposed: candidates.length,
        accepted,
        rejected: candidates.length - accepted,
        active: rules.length,
        auditMs,
        learnMs: performance.now() - t,
      });
    }

    // The product's own per-audit figures must be the ones printed.
    const metrics = await drift.triageMetrics({ limit: DAYS });
    const mismatched = rows.filter((r, i) => {
      const m = metrics[i];
      return (
        m?.auditId !== auditIds[i] ||
        m.findings !== r.findings ||
        m.byRule !== r.byRule ||
        m.bySuggestion !== r.suggested ||
        m.modelCalls !== r.calls ||
        m.modelTokens !== r.tokens
      );
    });
    const { rules } = triageRulesFromSkills(await skills.listDocuments());
    report(
      [
        `Learning loop (real backend): ${DAYS} daily audits of cluster ${CLUSTER}, seed ${seed}, scale ${scale}, minSupport ${MIN_SUPPORT}.`,
        `DefaultDriftService on SQLite reads each day's desired manifests and live snapshot (managedFields attribute every change); DefaultSkillsService starts empty;`,
        `the audit model is a loopback OpenAI-compatible server reached through @ai-sdk/openai (suggestions from a heuristic; never a classification).`,
        `Model calls and tokens are the audit's stored triageModel usage (tokens as the server reports them). Labels go through resolveFinding,`,
        `DefaultLearningService.run() induces and gates after each audit, and every proposed candidate is approved through LearningService.approve.`,
        `${planted} planted drifts became ${findingsSeen} findings: drift on one object is one finding, labelled as its most severe drift.`,
        `"suggested" counts unknown findings with a model suggestion; the rest an approved rule (classify: unknown) leaves to people, who decided such drift both ways.`,
      ],
      rows,
      rules,
      rejected,
      outcome,
    );
    const out = (line = '') => process.stdout.write(`${line}\n`);
    out();
    out(
      `product triageMetrics() vs this table: ${
        mismatched.length
          ? `${mismatched.length} audits DIFFER (${mismatched
              .map(r => r.day)
              .join(', ')})`
          : `all ${DAYS} audits agree`
      }; findings without a planted drift: ${unplanned}; model server requests: ${
        model.stats.requests
      } (${model.stats.triage} triage, ${
        model.stats.requests - model.stats.triage
      } narrative)`,
    );
    out(`unknown findings in audits ${DAYS - 2}-${DAYS}, by planted drift:`);
    for (const [what, n] of [...lateUnknown].sort((a, b) => b[1] - a[1]))
      out(`  ${String(n).padStart(3)} ${what}`);
    if (warnings.size) {
      out(`audit warnings:`);
      for (const [w, n] of warnings) out(`  ${n}x ${w}`);
    }
    if (problems.length) {
      out(`logged warnings and errors (${problems.length}):`);
      for (const p of [...new Set(problems)].slice(0, 10)) out(`  ${p}`);
    }
    out(
      `total wall time ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await model.close();
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
