import { failingResults } from '@hermes-backstage/plugin-hermes-common';
import { z } from 'zod';
import { PolicyService } from '../../policy/PolicyService';
import { defineTool } from './types';

/** Kyverno policy pre-check of manifests, against the policies the cluster enforces. */
export function policyTools(options: { policy: PolicyService }) {
  return [
    defineTool({
      name: 'policy_check',
      description:
        'Check Kubernetes manifests (YAML, several documents allowed) against the configured Kyverno policies. Returns failures with policy, rule, message and field path.',
      input: z.object({
        manifests: z.string().min(1).describe('YAML text of the manifests'),
        policies: z
          .array(z.string())
          .optional()
          .describe('Policy sources; default the configured ones'),
      }),
      changes: false,
      async execute({ manifests, policies }) {
        const result = await options.policy.check({
          files: [{ name: 'manifests.yaml', content: manifests }],
          policies,
        });
        return {
          summary: result.summary,
          failures: failingResults(result.results, 'any'),
          problems: result.problems,
          warnings: result.warnings,
        };
      },
    }),
  ];
}
