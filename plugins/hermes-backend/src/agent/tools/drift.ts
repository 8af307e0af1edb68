import { z } from 'zod';
import { DriftService } from '../../drift/DriftService';
import { defineTool } from './types';

/** Drift findings (read) and running a configured audit (changes Hermes' records). */
export function driftTools(options: { drift: DriftService }) {
  const { drift } = options;
  return [
    defineTool({
      name: 'drift_findings',
      description:
        'Latest drift findings (Git vs live cluster): modified/missing/extra objects with changed fields, who changed them, triage class and history. Optionally only those of one entity, namespace or class.',
      input: z.object({
        entityRef: z
          .string()
          .optional()
          .describe('Only this entity’s workloads'),
        namespace: z.string().optional(),
        classification: z.enum(['critical', 'harmless', 'unknown']).optional(),
        limit: z.number().int().min(1).max(100).default(25),
      }),
      changes: false,
      async execute(input, { credentials }) {
        const findings = await drift.listFindings({
          credentials,
          namespace: input.namespace,
          entityRef: input.entityRef,
          classification: input.classification,
        });
        return {
          total: findings.length,
          findings: findings.slice(0, input.limit).map(f => ({
            id: f.id,
            cluster: f.cluster,
            type: f.type,
            resource: f.resource,
            changes: f.changes.slice(0, 10).map(c => ({
              path: c.path,
              desired: c.redacted ? '(secret, withheld)' : c.desired,
              live: c.redacted ? '(secret, withheld)' : c.live,
              changedBy: c.attribution,
            })),
            classification: f.classification,
            reason: f.reason,
            skill: f.skill,
            recommend: f.recommend,
            history: f.history,
            foundAt: f.foundAt,
          })),
        };
      },
    }),
    defineTool({
      name: 'drift_run_audit',
      description: `Run a configured drift audit now and return its summary. Configured audits: ${
        drift
          .definitions()
          .map(d => d.name)
          .join(', ') || 'none'
      }.`,
      input: z.object({ audit: z.string().describe('Audit name from config') }),
      changes: true,
      target: ({ audit }) => ({
        cluster: drift.definitions().find(d => d.name === audit)?.cluster,
      }),
      async execute({ audit }, { credentials }) {
        const run = await drift.runAudit(audit, 'manual', { credentials });
        return {
          id: run.id,
          cluster: run.cluster,
          status: run.status,
          summary: run.summary,
          warnings: run.warnings,
          error: run.error,
          report: run.report,
        };
      },
    }),
  ];
}
