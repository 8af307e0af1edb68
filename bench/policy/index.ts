// Policy engine benchmark: 10,000 generated manifests against 20 policies, then against the
// same intents written as CEL ValidatingPolicies. Prints evaluations per second of each, peak
// memory, the cost of checking relative to parsing the same YAML, our parse beside a
// js-yaml-only parse, CEL beside pattern rules (target: within 2x), and
// `hermes policy check` end to end beside a js-yaml-only parse process (target: within 2x).
//
// Run: yarn bench:policy [--manifests N] [--write-input DIR]
// With --write-input, it only writes the end-to-end input (DIR/manifests.yaml, DIR/policies/)
// for profiling `hermes policy check` by hand, and exits.
import {
  checkResources,
  compilePolicies,
  parseKubernetesYaml,
  PolicyCheckResult,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import { loadAll } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchPolicies, celBenchPolicies } from './policies';

const count =
  Number(process.argv[process.argv.indexOf('--manifests') + 1]) || 10_000;
const kyverno = path.resolve(
  __dirname,
  '../../examples/gitops/infrastructure/kyverno',
);

/** Policies from the demo folder `folder` and from `extra`, compiled. */
function compile(folder: string, extra: string[]) {
  const directory = path.join(kyverno, folder);
  const texts = [
    ...fs.readdirSync(directory).map(f => ({
      text: fs.readFileSync(path.join(directory, f), 'utf8'),
      source: f,
    })),
    ...extra.map((text, i) => ({ text, source: `bench-${i}.yaml` })),
  ];
  const { policies, problems } = compilePolicies(
    texts.flatMap(p => parseKubernetesYaml(p.text, p.source).objects),
  );
  if (problems.length)
    throw new Error(`policy problems: ${JSON.stringify(problems)}`);
  return policies;
}

function container(i: number, j: number) {
  const image =
    i % 10 === 0
      ? 'nginx:latest'
      : `registry.neuroscale.internal/model-${i % 50}:1.${j}.0`;
  const limits =
    i % 7 === 0
      ? ''
      : `
          resources:
            requests: { cpu: "500m", memory: "1Gi" }
            limits: { cpu: "1", memory: "2Gi" }`;
  return `
        - name: c${j}
          image: ${image}
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /ready, port: 8080 }, periodSeconds: 5 }
          securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }${limits}`;
}

/** A realistic mix: Deployments (most), Pods and InferenceServices, some violating policies. */
function manifest(i: number): string {
  const labels = `{ app.kubernetes.io/name: svc-${i}, owner: team-${i % 9}${
    i % 11 === 0 ? '' : `, cost-center: cc-${i % 40}`
  } }`;
  if (i % 5 === 0) {
    return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: model-${i}, namespace: serving-stack, labels: ${labels} }
spec:
  predictor:
    model:
      modelFormat: { name: ${
        ['xgboost', 'pytorch', 'sklearn', 'lightgbm'][i % 4]
      } }
      storageUri: s3://models/m-${i}/v1
      resources: { requests: { cpu: "1", memory: 2Gi }, limits: { cpu: "1", memory: 2Gi } }
`;
  }
  const containers = [0, 1, 2]
    .slice(0, 1 + (i % 3))
    .map(j => container(i, j))
    .join('');
  if (i % 5 === 1) {
    return `apiVersion: v1
kind: Pod
metadata: { name: pod-${i}, namespace: serving-stack, labels: ${labels} }
spec:
  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
  containers:${containers.replace(/\n {4}/g, '\n')}
`;
  }
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: deploy-${i}, namespace: serving-stack, labels: ${labels} }
spec:
  replicas: 3
  selector: { matchLabels: { app.kubernetes.io/name: svc-${i} } }
  template:
    metadata: { labels: ${labels} }
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:${containers}
`;
}

const SHELL_JOB = `apiVersion: batch/v1
kind: Job
metadata: { name: warm-cache, namespace: serving-stack, labels: { owner: team-1, cost-center: cc-1 } }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: warm
          image: registry.neuroscale.internal/tools:1.4.0
          command: [sh, -c, "test -f /cache/ready && exit 0; fetch-models /cache"]
`;

const IN_PROCESS_ROUNDS = 5;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main() {
  let peakRss = 0;
  const sample = setInterval(
    () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
    5,
  );

  const policies = compile('policies', benchPolicies);
  const celPolicies = compile('validating-policies', celBenchPolicies);
  const rules = policies.reduce((n, p) => n + p.rules.length, 0);

  const text = Array.from({ length: count }, (_, i) => manifest(i)).join(
    '---\n',
  );

  // In-process figures are medians of IN_PROCESS_ROUNDS runs, taking turns: a portal checks
  // again and again, so these are warm (the end-to-end run below is a cold process).
  const parseTimes: number[] = [];
  const jsYamlTimes: number[] = [];
  let objects: SourcedObject[] = [];
  for (let round = 0; round < IN_PROCESS_ROUNDS; round++) {
    const parseStart = process.hrtime.bigint();
    const parsed = parseKubernetesYaml(text, 'bench.yaml', { maxBytes: 1e9 });
    parseTimes.push(seconds(parseStart));
    if (parsed.problems.length || parsed.objects.length !== count) {
      throw new Error(
        `expected ${count} manifests, parsed ${
          parsed.objects.length
        }: ${JSON.stringify(parsed.problems[0])}`,
      );
    }
    objects = parsed.objects;
    const jsYamlStart = process.hrtime.bigint();
    loadAll(text);
    jsYamlTimes.push(seconds(jsYamlStart));
  }
  const parseTime = median(parseTimes);
  const jsYamlTime = median(jsYamlTimes);
  // The same manifests and one Job whose shell command has `&&`: to a quick look that may be
  // an anchor, so that document (and no other) goes to the positional parser.
  const mixedText = `${text}---\n${SHELL_JOB}`;
  const mixedTimes: number[] = [];
  for (let round = 0; round < IN_PROCESS_ROUNDS; round++) {
    const start = process.hrtime.bigint();
    const parsed = parseKubernetesYaml(mixedText, 'bench.yaml', {
      maxBytes: 1e9,
    });
    mixedTimes.push(seconds(start));
    if (parsed.objects.length !== count + 1)
      throw new Error(`expected ${count + 1} manifests with the shell Job`);
  }

  const checkTimes: number[] = [];
  const celTimes: number[] = [];
  let results: PolicyCheckResult[] = [];
  let celResults: PolicyCheckResult[] = [];
  for (let round = 0; round < IN_PROCESS_ROUNDS; round++) {
    const checkStart = process.hrtime.bigint();
    results = checkResources(policies, objects);
    checkTimes.push(seconds(checkStart));
    const celStart = process.hrtime.bigint();
    celResults = checkResources(celPolicies, objects);
    celTimes.push(seconds(celStart));
  }
  const checkTime = median(checkTimes);
  const celTime = median(celTimes);
  clearInterval(sample);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const applied = results.filter(r => r.applies);
  const failed = applied.filter(r => r.result === 'fail').length;
  const errors = applied.filter(r => r.result === 'error').length;
  const line = (label: string, value: string) =>
    process.stdout.write(`${label.padEnd(34)} ${value}\n`);
  line('manifests', `${count} (${(text.length / 1e6).toFixed(1)} MB of YAML)`);
  line('policies / rules (with autogen)', `${policies.length} / ${rules}`);
  line(
    'rule evaluations',
    `${results.length} (${applied.length} applicable; ${failed} fail, ${errors} error)`,
  );
  line(
    'YAML parse time',
    `${parseTime.toFixed(2)} s (js-yaml alone: ${jsYamlTime.toFixed(2)} s)`,
  );
  line(
    // Before per-document reading, that one document sent the whole file to the positional
    // parser: 7.6 s on this machine.
    '  ... with one shell `&&` document',
    `${median(mixedTimes).toFixed(2)} s`,
  );
  line('policy check time', `${checkTime.toFixed(2)} s`);
  line('evaluations per second', `${Math.round(results.length / checkTime)}`);
  line('manifests per second (check)', `${Math.round(count / checkTime)}`);
  line('peak RSS', `${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  line(
    'check time / parse time',
    // Issue 3 asked for <= 1.0 against the `yaml` package's parse (4.4 s then, with a 1.48 s
    // check: 0.34). The parse is js-yaml's now, ten times faster; the end-to-end ratio below
    // is the target that replaced it (issue 14).
    `${(checkTime / parseTime).toFixed(2)} (was 0.34 against a 4.4 s parse)`,
  );
  const celApplied = celResults.filter(r => r.applies);
  const patternRate = results.length / checkTime;
  const celRate = celResults.length / celTime;
  line(
    'CEL policies / evaluations',
    `${celPolicies.length} ValidatingPolicies: ${celResults.length} (${
      celApplied.length
    } applicable; ${celApplied.filter(r => r.result === 'fail').length} fail, ${
      celApplied.filter(r => r.result === 'error').length
    } error)`,
  );
  line('CEL evaluations per second', `${Math.round(celRate)}`);
  line(
    'pattern rate / CEL rate',
    `${(patternRate / celRate).toFixed(2)} (target <= 2)`,
  );
  const e2e = endToEnd(text);
  line(
    'js-yaml-only parse process',
    `${e2e.parseOnly.toFixed(2)} s (median of ${ROUNDS})`,
  );
  const ratio = (time: number) => (time / e2e.parseOnly).toFixed(2);
  line(
    'hermes policy check, end to end',
    `${e2e.all.toFixed(2)} s: ${ratio(e2e.all)}x (target <= 2); all ${
      policies.length
    } + ${celPolicies.length} policies, text report`,
  );
  line(
    '  ... with --output json',
    `${e2e.json.toFixed(2)} s: ${ratio(e2e.json)}x; every applicable result, ${(
      jsonBytes / 1e6
    ).toFixed(0)} MB`,
  );
  line(
    '  ... ClusterPolicies only',
    `${e2e.pattern.toFixed(2)} s: ${ratio(e2e.pattern)}x`,
  );
}

/** Runs of each end-to-end command; their median is reported (this machine's timing is noisy). */
const ROUNDS = 5;
let jsonBytes = 0;

/**
 * Writes the end-to-end input below `dir`: manifests.yaml, policies/ (the ClusterPolicies)
 * and policies/cel/ (the ValidatingPolicies), as bench:policy checks them in process.
 */
function writeInput(dir: string, text: string) {
  const file = path.join(dir, 'manifests.yaml');
  const policyDir = path.join(dir, 'policies');
  const celDir = path.join(policyDir, 'cel');
  fs.writeFileSync(file, text);
  fs.mkdirSync(celDir, { recursive: true });
  const copy = (from: string, to: string) => {
    for (const f of fs.readdirSync(path.join(kyverno, from)))
      fs.copyFileSync(path.join(kyverno, from, f), path.join(to, f));
  };
  copy('policies', policyDir);
  copy('validating-policies', celDir);
  benchPolicies.forEach((policy, i) =>
    fs.writeFileSync(path.join(policyDir, `bench-${i}.yaml`), policy),
  );
  celBenchPolicies.forEach((policy, i) =>
    fs.writeFileSync(path.join(celDir, `bench-${i}.yaml`), policy),
  );
  return { file, policyDir };
}

/**
 * `hermes policy check` end to end, as a user runs it: the executable (its `#!` line and
 * all) in a new process that starts, reads, parses, checks and writes its report to a file,
 * beside a process that only parses the same file with js-yaml. The commands take turns,
 * `ROUNDS` times, and each figure is a median.
 */
function endToEnd(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-bench-policy-'));
  try {
    const { file, policyDir } = writeInput(dir, text);
    const report = path.join(dir, 'report');
    const run = (command: string, args: string[]) => {
      const out = fs.openSync(report, 'w');
      const start = process.hrtime.bigint();
      const result = spawnSync(command, args, {
        cwd: path.resolve(__dirname, '../..'),
        encoding: 'utf8',
        stdio: ['ignore', out, 'pipe'],
        // The executable's `env node` is the Node running this bench.
        env: {
          ...process.env,
          PATH: `${path.dirname(process.execPath)}${path.delimiter}${
            process.env.PATH
          }`,
        },
      });
      const time = seconds(start);
      fs.closeSync(out);
      if (result.status === null || result.status > 1)
        throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
      return time;
    };
    const check = (policies: string) => [
      'policy',
      'check',
      file,
      '--policies',
      policies,
      '--max-bytes',
      String(1e9),
    ];
    const bin = path.resolve(__dirname, '../../packages/cli/bin/hermes');
    const times = {
      all: [] as number[],
      json: [] as number[],
      pattern: [] as number[],
      parseOnly: [] as number[],
    };
    // Every policy file below policyDir; the ClusterPolicies only, listed one by one.
    const patternFiles = fs
      .readdirSync(policyDir)
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(policyDir, f));
    for (let round = 0; round < ROUNDS; round++) {
      times.parseOnly.push(
        run(process.execPath, [
          '-e',
          `require('js-yaml').loadAll(require('fs').readFileSync(${JSON.stringify(
            file,
          )}, 'utf8'))`,
        ]),
      );
      times.all.push(run(bin, check(policyDir)));
      times.json.push(run(bin, [...check(policyDir), '--output', 'json']));
      jsonBytes = fs.statSync(report).size;
      times.pattern.push(
        run(bin, [
          ...check(patternFiles[0]),
          ...patternFiles.slice(1).flatMap(f => ['--policies', f]),
        ]),
      );
    }
    return {
      all: median(times.all),
      json: median(times.json),
      pattern: median(times.pattern),
      parseOnly: median(times.parseOnly),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const inputDir = process.argv.indexOf('--write-input');
if (inputDir >= 0) {
  const dir = path.resolve(process.argv[inputDir + 1]);
  fs.mkdirSync(dir, { recursive: true });
  writeInput(
    dir,
    Array.from({ length: count }, (_, i) => manifest(i)).join('---\n'),
  );
  process.stdout.write(`wrote ${dir}/manifests.yaml and ${dir}/policies/\n`);
} else {
  main();
}
