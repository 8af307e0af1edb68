import type {
  DocumentProblem,
  FailOn,
  PolicyCheckResult,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { collectFiles, isYaml } from './files';
import { policyEngine } from './common';
import { resultWriter } from './policyJson';

export type OutputFormat = 'text' | 'json';

function where(p: DocumentProblem): string {
  return `${p.source}${
    p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''
  }`;
}

async function readTexts(
  files: string[],
): Promise<Array<{ text: string; source: string }>> {
  const texts = [];
  for (const file of files)
    texts.push({ text: await fs.readFile(file, 'utf8'), source: file });
  return texts;
}

function parseTexts(
  texts: Array<{ text: string; source: string }>,
  problems: DocumentProblem[],
  maxBytes?: number,
): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const { text, source } of texts) {
    const parsed = policyEngine().parseKubernetesYaml(text, source, {
      maxBytes,
    });
    // One by one: spreading a large file's objects as arguments can overflow the stack.
    for (const o of parsed.objects) objects.push(o);
    for (const p of parsed.problems) problems.push(p);
  }
  return objects;
}

/** JSON.stringify(value, null, 2) as it reads `depth` levels down in an enclosing document. */
function indented(value: unknown, depth: number): string {
  // JSON text has no raw newline inside strings: each one starts a line of the layout.
  return JSON.stringify(value, null, 2).replace(
    /\n/g,
    `\n${'  '.repeat(depth)}`,
  );
}

// Text per write: one write per line cost more than the check on a large report (a system
// call each), while very large strings cost more to build and map than they save.
const CHUNK_CHARS = 64 * 1024;

/** `print` for a burst of lines: they are joined and printed in chunks; call `flush` at the end. */
function chunked(print: (text: string) => void) {
  let lines: string[] = [];
  let size = 0;
  const flush = () => {
    if (lines.length > 0) print(lines.join('\n'));
    lines = [];
    size = 0;
  };
  return {
    print(line: string) {
      lines.push(line);
      size += line.length + 1;
      if (size >= CHUNK_CHARS) flush();
    },
    flush,
  };
}

/**
 * Prints `JSON.stringify(report, null, 2)`, the same text, without building it whole: a
 * large check has hundreds of thousands of results, and one string of them all costs more
 * than the check. Arrays are printed an element at a time.
 */
function printJson(
  report: Record<string, unknown>,
  print: (text: string) => void,
  elementJson: (key: string, element: any) => string = (_, element) =>
    `    ${indented(element, 2)}`,
) {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined);
  print('{');
  entries.forEach(([key, value], index) => {
    const comma = index < entries.length - 1 ? ',' : '';
    const name = `  ${JSON.stringify(key)}: `;
    if (!Array.isArray(value) || value.length === 0) {
      print(`${name}${indented(value, 1)}${comma}`);
      return;
    }
    print(`${name}[`);
    const last = value.length - 1;
    for (let i = 0; i <= last; i++)
      print(`${elementJson(key, value[i])}${i < last ? ',' : ''}`);
    print(`  ]${comma}`);
  });
  print('}');
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
  const { inputs, policies: policyInputs, output, failOn, maxBytes } = options;
  if (inputs.length === 0)
    throw new Error(
      'name the manifests to check: hermes policy check <files|dirs...> --policies <dir|file>',
    );
  if (policyInputs.length === 0)
    throw new Error('--policies <dir|file> is required');
  const engine = policyEngine();
  const problems: DocumentProblem[] = [];
  const policyFiles = await readTexts(await collectFiles(policyInputs, isYaml));
  const policyObjects = parseTexts(policyFiles, problems, maxBytes);
  const { policies, problems: policyProblems } =
    engine.compilePolicies(policyObjects);
  problems.push(...policyProblems);
  if (policies.length === 0)
    throw new Error(
      `no Kyverno policies found in ${policyInputs.join(', ')}${problems
        .map(p => `\n  ${where(p)}: ${p.message}`)
        .join('')}`,
    );
  const warnings = policies.flatMap(p =>
    p.warnings.map(w => `${p.source}: policy ${p.name}: ${w}`),
  );
  const files = await readTexts(await collectFiles(inputs, isYaml));
  const resources = parseTexts(files, problems, maxBytes);
  // Rules that do not apply are reported nowhere: they are not even built. Every result is
  // counted, but a text report shows only findings and audit annotations, so only those are
  // kept; JSON lists every result.
  const summary = engine.emptySummary();
  const results: PolicyCheckResult[] = [];
  engine.visitResults(policies, resources, { onlyApplicable: true }, result => {
    engine.countResult(summary, result);
    if (
      output === 'json' ||
      result.auditAnnotations ||
      engine.isFinding(result)
    )
      results.push(result);
  });
  const { print, flush } = chunked(options.print);

  if (output === 'json') {
    const resultJson = resultWriter();
    printJson({ summary, results, problems, warnings }, print, (key, e) =>
      key === 'results' ? resultJson(e) : `    ${indented(e, 2)}`,
    );
  } else {
    const ruleCount = policies.reduce((n, p) => n + p.rules.length, 0);
    print(
      `Policy check: ${resources.length} resources against ${policies.length} policies (${ruleCount} rules, auto-generated ones included)`,
    );
    for (const w of warnings) print(`warning: ${w}`);
    for (const p of problems) print(`problem: ${where(p)}: ${p.message}`);
    const findings = engine.findingsOf(results);
    for (const r of findings) {
      const label = engine
        .resultLabel(r)
        .replace(/^\w+/, word => word.toUpperCase());
      print('');
      print(
        `${label}  ${engine.describeResource(r)}  ${r.source ?? ''}${
          r.line ? `:${r.line}` : ''
        }`,
      );
      print(`  ${r.policy} / ${r.rule}${r.path ? `  at ${r.path}` : ''}`);
      print(`  ${r.message}`);
    }
    const annotated = results.filter(r => r.auditAnnotations);
    if (annotated.length > 0) {
      print('');
      print('Audit annotations (recorded, not enforced):');
      for (const r of annotated)
        for (const [key, value] of Object.entries(r.auditAnnotations!))
          print(`  ${engine.describeResource(r)}  ${key}: ${value}`);
    }
    print('');
    print(
      `${summary.passed} passed, ${summary.failed} failed (${summary.enforcedFailures} enforced), ` +
        `${summary.warned} warnings, ${summary.errors} errors, ${summary.skipped} skipped`,
    );
  }
  flush();
  // Input that could not be read makes the check incomplete: that outranks the findings.
  if (problems.length > 0) return 2;
  return engine.failingResults(results, failOn).length > 0 ? 1 : 0;
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
      await policyEngine().runKyvernoTest(
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
