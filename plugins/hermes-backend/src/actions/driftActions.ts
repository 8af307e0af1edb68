import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import { hermesDriftReadPermission } from '@hermes-backstage/plugin-hermes-common';
import type { z as zod } from 'zod/v3';
import { DriftService } from '../drift/DriftService';
import { StoredAudit, StoredFinding } from '../drift/DriftStore';

const resourceSchema = (z: typeof zod) =>
  z.object({
    apiVersion: z.string(),
    kind: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
  });

const runSchema = (z: typeof zod) =>
  z.object({
    id: z.string().describe('The run id'),
    cluster: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    trigger: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    summary: z
      .record(z.number())
      .optional()
      .describe('Findings per classification'),
    report: z
      .string()
      .optional()
      .describe('The report text; absent while running or when the run failed'),
    narrative: z.string().optional(),
    warnings: z.array(z.string()),
    error: z.string().optional(),
  });

function runOutput(run: StoredAudit) {
  return {
    id: run.id,
    cluster: run.cluster,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    summary: run.summary,
    report: run.report,
    narrative: run.narrative,
    warnings: run.warnings,
    error: run.error,
  };
}

/** A finding as a client reads it: Secret values stay withheld, as the finding stored them. */
function findingOutput(f: StoredFinding) {
  return {
    id: f.id,
    auditId: f.auditId,
    cluster: f.cluster,
    resource: f.resource,
    type: f.type,
    classification: f.classification,
    reason: f.reason,
    skill: f.skill,
    recommend: f.recommend,
    attribution: f.attribution,
    changes: f.changes.map(c =>
      c.redacted
        ? { path: c.path, redacted: true, attribution: c.attribution }
        : c,
    ),
    suggestion: f.suggestion,
    history: f.history,
    foundAt: f.foundAt,
  };
}

/**
 * Drift for MCP clients, through the permission-checking drift service with the caller's
 * credentials: findings follow catalog read access per entity; reports and runs need
 * `hermes.drift.read`, so those actions are only listed to holders of it.
 */
export function registerDriftActions(
  registry: ActionsRegistryService,
  services: { drift: DriftService },
) {
  const { drift } = services;
  const clusters = () => [...new Set(drift.definitions().map(d => d.cluster))];

  registry.register({
    name: 'drift-findings',
    title: 'List drift findings (Git vs cluster)',
    description: [
      'Field-level differences between Git and the live cluster from the latest audit of each cluster',
      '(or of one audit run): modified, missing or extra objects, who changed each field and when,',
      'the triage classification (harmless / critical / unknown), the matching skill, and the history of the same drift.',
      'Only findings the caller may see: those about catalog entities the caller may read, and drift of no entity',
      'with hermes.drift.read.',
      'Examples: {"entityRef": "component:default/fraud-detector"} for one service;',
      '{"cluster": "neuroscale-prod", "classification": "critical"} for what needs attention.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .optional()
            .describe('Only drift of this catalog entity’s workloads'),
          cluster: z.string().min(1).optional(),
          namespace: z.string().min(1).optional(),
          classification: z
            .enum(['critical', 'harmless', 'unknown'])
            .optional(),
          auditId: z
            .string()
            .min(1)
            .optional()
            .describe('One audit run instead of the latest of each cluster'),
          limit: z.number().int().min(1).max(200).default(50),
        }),
      output: z =>
        z.object({
          total: z.number().describe('Findings that matched, before limit'),
          findings: z.array(
            z
              .object({
                id: z.string(),
                auditId: z.string(),
                cluster: z.string(),
                resource: resourceSchema(z),
                type: z.enum(['modified', 'missing', 'extra']),
                classification: z.enum(['harmless', 'critical', 'unknown']),
                reason: z.string().optional(),
                recommend: z.string().optional(),
              })
              .passthrough(),
          ),
        }),
    },
    examples: [
      {
        title: 'Critical drift of one cluster',
        input: {
          cluster: 'neuroscale-prod',
          classification: 'critical',
          limit: 50,
        },
      },
    ],
    async action({ input, credentials }) {
      if (input.cluster && !clusters().includes(input.cluster))
        throw new InputError(
          `cluster: no audit covers "${input.cluster}"; audited clusters: ${
            clusters().join(', ') || 'none (hermes.audits is empty)'
          }`,
        );
      const findings = (
        await drift.listFindings({
          credentials,
          auditId: input.auditId,
          namespace: input.namespace,
          entityRef: input.entityRef,
          classification: input.classification,
        })
      ).filter(f => !input.cluster || f.cluster === input.cluster);
      return {
        output: {
          total: findings.length,
          findings: findings.slice(0, input.limit).map(findingOutput),
        },
      };
    },
  });

  registry.register({
    name: 'drift-report',
    title: 'Read a drift audit report',
    description: [
      'The text report of one drift audit run (by run id), or of the latest run (of a cluster, when given):',
      'per namespace, how many differences, how they were triaged, who changed what, and what to do.',
      'Examples: {"runId": "<id from drift-findings auditId or drift-run-audit>"};',
      '{"cluster": "neuroscale-prod"} for the latest report of that cluster.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    visibilityPermission: hermesDriftReadPermission,
    schema: {
      input: z =>
        z.object({
          runId: z.string().min(1).optional().describe('The audit run id'),
          cluster: z
            .string()
            .min(1)
            .optional()
            .describe('Without runId: the latest run of this cluster'),
        }),
      output: runSchema,
    },
    examples: [
      {
        title: 'Latest report of a cluster',
        input: { cluster: 'neuroscale-prod' },
      },
    ],
    async action({ input, credentials }) {
      if (input.runId)
        return {
          output: runOutput(await drift.getAudit(input.runId, { credentials })),
        };
      const latest = (await drift.listAudits({ credentials })).find(
        a => !input.cluster || a.cluster === input.cluster,
      );
      if (!latest)
        throw new NotFoundError(
          input.cluster
            ? `No drift audit has run for cluster "${input.cluster}"`
            : 'No drift audit has run yet',
        );
      return { output: runOutput(latest) };
    },
  });

  registry.register({
    name: 'drift-run-audit',
    title: 'Run a drift audit now',
    description: [
      'Runs one of the drift audits configured in hermes.audits now and returns the run with its report.',
      'It reads Git and the cluster (it changes nothing in either) and records a new run and its findings in Hermes.',
      `Example: {"audit": "neuroscale-prod"}. Configured audits when the portal started: ${
        drift
          .definitions()
          .map(d => d.name)
          .join(', ') || 'none'
      }.`,
    ].join(' '),
    // Records a run and may notify owners: a change, though not a destructive one.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    visibilityPermission: hermesDriftReadPermission,
    schema: {
      input: z =>
        z.object({
          audit: z.string().min(1).describe('Audit name from hermes.audits'),
        }),
      output: runSchema,
    },
    examples: [
      { title: 'Audit production', input: { audit: 'neuroscale-prod' } },
    ],
    async action({ input, credentials }) {
      const run = await drift.runAudit(input.audit, 'manual', { credentials });
      return { output: runOutput(run) };
    },
  });
}
