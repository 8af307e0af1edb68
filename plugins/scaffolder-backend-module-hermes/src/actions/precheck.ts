import {
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  applyExemptions,
  checkResources,
  compilePolicies,
  decodeUtf8,
  describeResource,
  failingResults,
  DocumentProblem,
  findingsOf,
  resultLabel,
  formatMarkdownReport,
  parseKubernetesYaml,
  policyExemptionsSchema,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import {
  checkRequestedSources,
  loadYamlSources,
} from '@hermes-backstage/plugin-hermes-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

async function listWorkspaceFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(root, dir), {
    withFileTypes: true,
  })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (
      entry.isDirectory() &&
      entry.name !== '.git' &&
      entry.name !== 'node_modules'
    ) {
      out.push(...(await listWorkspaceFiles(root, relative)));
    } else if (entry.isFile()) {
      out.push(relative);
    }
  }
  return out;
}

/**
 * Violations found: an outcome for the template's user, not a fault in Hermes. The scaffolder
 * logs a failed step's stack, so the stack is the report alone, without code locations.
 */
class PolicyPrecheckFailed extends Error {
  constructor(report: string) {
    super(report);
    this.name = 'PolicyPrecheckFailed';
    this.stack = report;
  }
}

/**
 * `hermes:policy:precheck`: evaluates the manifests a template produced against the Kyverno
 * policies the cluster enforces, and fails the step before anything is published.
 */
export function createPolicyPrecheckAction(options: {
  config: RootConfigService;
  urlReader: UrlReaderService;
}) {
  const { config, urlReader } = options;
  return createTemplateAction({
    id: 'hermes:policy:precheck',
    description:
      'Checks the manifests in the workspace against Kyverno ClusterPolicy/Policy YAML, with ' +
      "Kyverno's semantics, and fails when admission control would reject them.",
    supportsDryRun: true,
    schema: {
      input: {
        files: z =>
          z
            .array(z.string())
            .default(['**/*.yaml', '**/*.yml'])
            .describe(
              'Globs of workspace files to check (default: every YAML file)',
            ),
        policies: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Policy sources: ones configured in hermes.policies.sources, URLs, or files and directories inside the workspace (e.g. policies shipped with the template); default hermes.policies.sources',
            ),
        failOn: z =>
          z
            .enum(['enforce', 'any', 'never'])
            .default('enforce')
            .describe(
              'enforce: fail on violations of Enforce rules; any: also on Audit rules and errors; never: only report',
            ),
        // Shared with the REST route; built with the zod 3 API Backstage passes in.
        exemptions: z => policyExemptionsSchema(z).default([]),
      },
      output: {
        passed: z =>
          z.boolean().describe('Whether the check passed under failOn'),
        summary: z => z.string().describe('Markdown report'),
        results: z =>
          z
            .array(z.record(z.string(), z.any()))
            .describe('Every applicable rule result'),
      },
    },
    async handler(ctx) {
      const { files, failOn, exemptions } = ctx.input;
      const configured =
        config.getOptionalStringArray('hermes.policies.sources') ?? [];
      // Templates are written by portal users: their paths stay inside the task's workspace.
      const sources = ctx.input.policies
        ? checkRequestedSources(ctx.input.policies, {
            configured,
            workspace: ctx.workspacePath,
          })
        : configured;
      if (sources.length === 0) {
        throw new Error(
          'No policy sources: set the "policies" input or hermes.policies.sources in app-config.yaml',
        );
      }
      const maxBytes = config.getOptionalNumber('hermes.policies.maxFileBytes');
      const loaded = await loadYamlSources(sources, { urlReader, maxBytes });
      const { policies, problems: policyProblems } = compilePolicies(
        loaded.objects,
      );
      const problems: DocumentProblem[] = [
        ...loaded.problems,
        ...policyProblems,
      ];
      if (policies.length === 0) {
        throw new Error(
          `No Kyverno policies found in ${sources.join(', ')}: ${problems
            .map(p => p.message)
            .join('; ')}`,
        );
      }
      for (const warning of loaded.warnings) ctx.logger.warn(warning);
      for (const policy of policies) {
        for (const warning of policy.warnings)
          ctx.logger.warn(`policy ${policy.name}: ${warning}`);
      }

      const isSelected = picomatch(files, { dot: true });
      const selected = (await listWorkspaceFiles(ctx.workspacePath))
        .filter(f => isSelected(f))
        .sort();
      const resources: SourcedObject[] = [];
      for (const file of selected) {
        const { text, warning } = decodeUtf8(
          await fs.readFile(path.join(ctx.workspacePath, file)),
          file,
        );
        if (warning) ctx.logger.warn(warning);
        const parsed = parseKubernetesYaml(text, file, { maxBytes });
        // Scaffolder skeletons often hold non-Kubernetes YAML (catalog-info.yaml is one).
        resources.push(
          ...parsed.objects.filter(
            o => !o.object.apiVersion.startsWith('backstage.io/'),
          ),
        );
        problems.push(...parsed.problems);
      }
      ctx.logger.info(
        `Checking ${resources.length} resources from ${selected.length} files against ${policies.length} policies`,
      );

      const results = applyExemptions(
        checkResources(policies, resources).filter(r => r.applies),
        exemptions,
      );
      for (const problem of problems) {
        ctx.logger.warn(
          `${problem.source}${problem.line ? `:${problem.line}` : ''}: ${
            problem.message
          }`,
        );
      }
      for (const r of findingsOf(results)) {
        const label = resultLabel(r);
        ctx.logger.info(
          `${label}: ${r.source}: ${describeResource(r)}: ${r.policy}/${
            r.rule
          }${r.path ? ` at ${r.path}` : ''}: ${r.message}`,
        );
      }
      const counted = failingResults(results, failOn);
      const violations = counted.length;
      // A file that cannot be read or parsed would fail at apply time too: it fails the check.
      const inputProblems = failOn === 'never' ? 0 : problems.length;
      const failing = violations + inputProblems;
      const report = formatMarkdownReport(results, problems);
      ctx.output('passed', failing === 0);
      ctx.output('summary', report);
      ctx.output('results', results.map(r => ({ ...r })) as any);
      if (failing > 0) {
        const list = [
          ...counted.map(
            r =>
              `${describeResource(r)} (${r.source}): ${r.policy}/${r.rule}: ${
                r.message
              }`,
          ),
          ...problems.map(
            p => `${p.source}${p.line ? `:${p.line}` : ''}: ${p.message}`,
          ),
        ];
        const plural = (n: number, word: string) =>
          `${n} ${word}${n === 1 ? '' : 's'}`;
        const counts = [
          plural(violations, 'violation'),
          ...(inputProblems ? [plural(inputProblems, 'input problem')] : []),
        ].join(' and ');
        throw new PolicyPrecheckFailed(
          `Policy pre-check failed: ${counts} (failOn: ${failOn})\n- ${list.join(
            '\n- ',
          )}`,
        );
      }
    },
  });
}
