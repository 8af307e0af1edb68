import type {
  DocumentProblem,
  FailOn,
  PolicyCheckResult,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { collectFiles, isYaml } from './files';
import { common } from './common';

export type OutputFormat = 'text' | 'json';

function where(p: DocumentProblem): string {
  return `${p.source}${
    p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''
  }`;
}

async function loadYaml(
  files: string[],
  problems: DocumentProblem[],
  maxBytes?: number,
): Promise<SourcedObject[]> {
  const objects: SourcedObject[] = [];
  for (const file of files) {
    const parsed = common().parseKubernetesYaml(
      await fs.readFile(file, 'utf8'),
      file,
      {
        maxBytes,
      },
    );
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  return objects;
}

function jsonResult(r: PolicyCheckResult) {
  return {
    policy: r.policy,
    rule: r.rule,
    resource: {
      kind: r.resource.kind,
      namespace: r.resource.namespace,
      name: r.resource.name,
    },
    result: r.result,
    message: r.message,
    path: r.path,
    failureAction: r.failureAction,
    source: r.source,
    line: r.line,
  };
}

/** `hermes policy check`: evaluates manifests against policies; returns the exit code. */
export async function policyCheck(options: {
  inputs: string[];
  policies: string[];
  output: OutputFormat;
  failOn: FailOn;
  maxBytes?: number;
  print: (text: string) => void;
}): Promise<number> {
  const {
    inputs,
    policies: policyInputs,
    output,
    failOn,
    maxBytes,
    print,
  } = options;
  if (inputs.length === 0)
    throw new Error(
      'name the manifests to check: hermes policy check <files|dirs...> --policies <dir|file>',
    );
  if (policyInputs.length === 0)
    throw new Error('--policies <dir|file> is required');
  const problems: DocumentProblem[] = [];
  const policyObjects = await loadYaml(
    await collectFiles(policyInputs, isYaml),
    problems,
    maxBytes,
  );
  const { policies, problems: policyProblems } =
    common().compilePolicies(policyObjects);
  problems.push(...policyProblems);
  if (policies.length === 0)
    throw new Error(
      `no Kyverno policies found in ${policyInputs.join(', ')}${problems
        .map(p => `\n  ${where(p)}: ${p.message}`)
        .join('')}`,
    );
  const resources = await loadYaml(
    await collectFiles(inputs, isYaml),
    problems,
    maxBytes,
  );
  const results = common()
    .checkResources(policies, resources)
    .filter(r => r.applies);
  const summary = common().summarizeResults(results);
  const warnings = policies.flatMap(p =>
    p.warnings.map(w => `${p.source}: policy ${p.name}: ${w}`),
  );

  if (output === 'json') {
    print(
      JSON.stringify(
        { summary, results: results.map(jsonResult), problems, warnings },
        null,
        2,
      ),
    );
  } else {
    const ruleCount = policies.reduce((n, p) => n + p.rules.length, 0);
    print(
      `Policy check: ${resources.length} resources against ${policies.length} policies (${ruleCount} rules, auto-generated ones included)`,
    );
    for (const w of warnings) print(`warning: ${w}`);
    for (const p of problems) print(`problem: ${where(p)}: ${p.message}`);
    const findings = common().findingsOf(results);
    for (const r of findings) {
      const label = common()
        .resultLabel(r)
        .replace(/^\w+/, word => word.toUpperCase());
      print('');
      print(
        `${label}  ${common().describeResource(r)}  ${r.source ?? ''}${
          r.line ? `:${r.line}` : ''
        }`,
      );
      print(`  ${r.policy} / ${r.rule}${r.path ? `  at ${r.path}` : ''}`);
      print(`  ${r.message}`);
    }
    print('');
    print(
      `${summary.passed} passed, ${summary.failed} failed (${summary.enforcedFailures} enforced), ` +
        `${summary.warned} warnings, ${summary.errors} errors, ${summary.skipped} skipped`,
    );
  }
  // Input that could not be read makes the check incomplete: that outranks the findings.
  if (problems.length > 0) return 2;
  return common().failingResults(results, failOn).length > 0 ? 1 : 0;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows.map(r =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/** `hermes policy test`: runs every kyverno-test.yaml below a directory. */
export async function policyTest(options: {
  dir: string;
  output: OutputFormat;
  print: (text: string) => void;
}): Promise<number> {
  const { dir, output, print } = options;
  const files = await collectFiles(
    [dir],
    name => name === 'kyverno-test.yaml' || name === 'kyverno-test.yml',
  );
  if (files.length === 0)
    throw new Error(`no kyverno-test.yaml found below ${dir}`);
  const runs = [];
  for (const file of files) {
    const base = path.dirname(file);
    runs.push(
      await common().runKyvernoTest(
        await fs.readFile(file, 'utf8'),
        file,
        relative => fs.readFile(path.resolve(base, relative), 'utf8'),
      ),
    );
  }
  const outcomes = runs.flatMap(r => r.outcomes);
  const problems = runs.flatMap(r => r.problems);
  const passed = outcomes.filter(o => o.matched).length;
  const failed = outcomes.length - passed;
  if (output === 'json') {
    print(
      JSON.stringify(
        {
          summary: { passed, failed, tests: runs.length },
          results: outcomes.map(o => ({
            test: o.test,
            policy: o.policy,
            rule: o.rule,
            resource: {
              kind: o.kind,
              namespace: o.namespace,
              name: o.resource,
            },
            expected: o.result,
            result: o.actual ?? null,
            matched: o.matched,
            message: o.message,
          })),
          problems,
        },
        null,
        2,
      ),
    );
  } else {
    const rows = [
      ['', 'TEST', 'POLICY', 'RULE', 'RESOURCE', 'EXPECTED', 'ACTUAL'],
    ];
    for (const o of outcomes) {
      rows.push([
        o.matched ? 'ok' : 'MISMATCH',
        o.test,
        o.policy,
        o.rule,
        `${o.kind ? `${o.kind} ` : ''}${o.namespace ? `${o.namespace}/` : ''}${
          o.resource
        }`,
        o.result,
        o.actual ?? '-',
      ]);
    }
    table(rows).forEach(line => print(line));
    for (const o of outcomes.filter(x => !x.matched))
      print(
        `mismatch: ${o.test} ${o.policy}/${o.rule} ${o.resource}: ${o.message}`,
      );
    for (const p of problems) print(`problem: ${where(p)}: ${p.message}`);
    print('');
    print(`${passed} passed, ${failed} failed`);
  }
  if (problems.length > 0) return 2;
  return failed > 0 ? 1 : 0;
}
