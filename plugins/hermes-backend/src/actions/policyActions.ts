import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  failingResults,
  findingsOf,
  formatMarkdownReport,
  policyExemptionsSchema,
} from '@hermes-backstage/plugin-hermes-common';
import { PolicyService } from '../policy/PolicyService';

const EXAMPLE_POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: { name: web, namespace: shop }',
  'spec:',
  '  containers:',
  '    - name: web',
  '      image: nginx:latest',
].join('\n');

/** `hermes:policy-check`: the policy pre-check of the REST API and the scaffolder step. */
export function registerPolicyActions(
  registry: ActionsRegistryService,
  services: { policy: PolicyService },
) {
  registry.register({
    name: 'policy-check',
    title: 'Check Kubernetes manifests against the cluster policies',
    description: [
      'Checks Kubernetes manifests (YAML text, several documents separated by ---) against the Kyverno',
      'policies admission control enforces (ClusterPolicy/Policy, ValidatingPolicy, ValidatingAdmissionPolicy),',
      'by default the sources configured in hermes.policies.sources, before anything is applied or merged.',
      'Returns whether the manifests pass, each violation (policy, rule, resource, field path, message)',
      'and a Markdown report.',
      'Examples: {"manifests": "apiVersion: v1\\nkind: Pod\\n..."} checks a Pod against the configured policies;',
      'add "exemptions": [{"policy": "disallow-latest-tag", "reason": "vendor image, OPS-12"}] to accept a known violation;',
      '"failOn": "any" also fails on Audit-mode rules.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          manifests: z
            .string()
            .min(1)
            .describe('YAML text of the manifests to check'),
          fileName: z
            .string()
            .min(1)
            .default('manifests.yaml')
            .describe('Name the results and problems refer to'),
          policies: z
            .array(z.string().min(1))
            .optional()
            .describe(
              'Policy sources: names configured in hermes.policies.sources or URLs the portal may read; default every configured source',
            ),
          policyYaml: z
            .string()
            .min(1)
            .optional()
            .describe(
              'Kyverno policy YAML to check against instead of the configured sources',
            ),
          exemptions: policyExemptionsSchema(z).optional(),
          failOn: z
            .enum(['enforce', 'any'])
            .default('enforce')
            .describe(
              'enforce: fail on violations admission control would reject; any: also on Audit rules, warnings and errors',
            ),
        }),
      output: z =>
        z.object({
          passed: z
            .boolean()
            .describe('Whether the manifests pass under failOn'),
          summary: z
            .record(z.number())
            .describe(
              'Counts: passed, failed, enforcedFailures, exempted, ...',
            ),
          violations: z
            .array(
              z
                .object({
                  policy: z.string(),
                  rule: z.string(),
                  resource: z.object({
                    apiVersion: z.string(),
                    kind: z.string(),
                    namespace: z.string().optional(),
                    name: z.string(),
                  }),
                  result: z.string(),
                  message: z.string(),
                  path: z.string().optional(),
                  failureAction: z.string(),
                  exemption: z.string().optional(),
                })
                .passthrough(),
            )
            .describe(
              'Failing, warning and erroring rules, exempted ones marked',
            ),
          problems: z
            .array(
              z
                .object({ source: z.string(), message: z.string() })
                .passthrough(),
            )
            .describe('Documents that could not be read or understood'),
          warnings: z.array(z.string()),
          report: z.string().describe('The result as a Markdown report'),
        }),
    },
    examples: [
      {
        title: 'A Pod with an unpinned image',
        description: 'Checked against the configured policies',
        input: {
          manifests: EXAMPLE_POD,
          fileName: 'pod.yaml',
          failOn: 'enforce',
        },
      },
    ],
    async action({ input }) {
      const result = await services.policy.check({
        files: [{ name: input.fileName, content: input.manifests }],
        policies: input.policies,
        policyDocuments: input.policyYaml
          ? [{ name: 'policies.yaml', content: input.policyYaml }]
          : undefined,
        exemptions: input.exemptions,
      });
      return {
        output: {
          passed: failingResults(result.results, input.failOn).length === 0,
          summary: { ...result.summary },
          violations: findingsOf(result.results).map(r => ({ ...r })),
          problems: result.problems.map(p => ({ ...p })),
          warnings: result.warnings,
          report: formatMarkdownReport(result.results, result.problems),
        },
      };
    },
  });
}
