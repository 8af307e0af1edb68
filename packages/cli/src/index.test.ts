import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './index';

const kyverno = path.resolve(
  __dirname,
  '../../../examples/gitops/infrastructure/kyverno',
);

async function run(...args: string[]) {
  const lines: string[] = [];
  const code = await main(args, line => lines.push(line));
  return { code, out: lines.join('\n') };
}

describe('hermes policy test', () => {
  it('runs every kyverno-test.yaml of the demo and agrees with each expectation', async () => {
    const { code, out } = await run(
      'policy',
      'test',
      path.join(kyverno, 'tests'),
    );
    expect(out).not.toMatch(/MISMATCH|problem:/);
    expect(out.split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
    expect(code).toBe(0);
  });

  it('exits 1 and names the mismatch when an expectation is wrong', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-kt-'));
    fs.writeFileSync(
      path.join(dir, 'resources.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: demo }\nspec:\n  containers:\n    - { name: web, image: "nginx:latest" }\n',
    );
    fs.writeFileSync(
      path.join(dir, 'kyverno-test.yaml'),
      [
        'apiVersion: cli.kyverno.io/v1alpha1',
        'kind: Test',
        'metadata: { name: wrong-expectation }',
        `policies: [${path.join(
          kyverno,
          'policies/disallow-latest-tag.yaml',
        )}]`,
        'resources: [resources.yaml]',
        'results:',
        '  - { policy: disallow-latest-tag, rule: pin-image-tags, kind: Pod, resources: [web], result: pass }',
      ].join('\n'),
    );
    const { code, out } = await run('policy', 'test', dir, '--output', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.summary).toEqual({ passed: 0, failed: 1, tests: 1 });
    expect(report.results[0]).toMatchObject({
      test: 'wrong-expectation',
      policy: 'disallow-latest-tag',
      rule: 'pin-image-tags',
      resource: { name: 'web' },
      expected: 'pass',
      result: 'fail',
      matched: false,
    });
  });
});

describe('hermes policy check', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-check-'));
  });

  it('exits 1 on enforced failures and prints where and why', async () => {
    fs.writeFileSync(
      path.join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: demo }\nspec:\n  containers:\n    - { name: web, image: "nginx:latest" }\n',
    );
    const { code, out } = await run(
      'policy',
      'check',
      dir,
      '--policies',
      path.join(kyverno, 'policies'),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      `FAIL (Enforce)  Pod demo/web  ${path.join(dir, 'pod.yaml')}:1`,
    );
    expect(out).toContain(
      'disallow-latest-tag / pin-image-tags  at /spec/containers/0/',
    );
    expect(out).toMatch(
      /\n\d+ passed, 3 failed \(3 enforced\), 0 warnings, 0 errors, \d+ skipped$/,
    );
  });

  it('counts every result in the text report, the passes it does not list included', async () => {
    // The demo test suites' manifests against the demo ClusterPolicies and
    // ValidatingPolicies: passes, failures and skips of both kinds of policy.
    const args = [
      'policy',
      'check',
      path.join(kyverno, 'tests'),
      '--policies',
      path.join(kyverno, 'policies'),
      '--policies',
      path.join(kyverno, 'validating-policies'),
      '--fail-on',
      'never',
    ];
    const json = JSON.parse((await run(...args, '--output', 'json')).out);
    const count = (...results: string[]) =>
      json.results.filter((r: any) => results.includes(r.result)).length;
    const findings = count('fail', 'warn', 'error');
    expect(count('pass')).toBeGreaterThan(0);
    expect(findings).toBeGreaterThan(0);
    const text = await run(...args);
    const [, passed, failed, warned, errors, skipped] = text.out
      .split('\n')
      .pop()!
      .match(
        /^(\d+) passed, (\d+) failed \(\d+ enforced\), (\d+) warnings, (\d+) errors, (\d+) skipped$/,
      )!
      .map(Number);
    expect({ passed, findings: failed + warned + errors, skipped }).toEqual({
      passed: count('pass'),
      findings,
      skipped: count('skip'),
    });
    expect(text.out.match(/^(FAIL|WARN|ERROR)/gm)).toHaveLength(findings);
  });

  it('writes one JSON document with every result and exits 0 when only audit rules fail', async () => {
    fs.writeFileSync(
      path.join(dir, 'isvc.yaml'),
      [
        'apiVersion: serving.kserve.io/v1beta1',
        'kind: InferenceService',
        'metadata: { name: churn, namespace: serving-stack, labels: { owner: ranking, cost-center: cc-1 } }',
        'spec:',
        '  predictor:',
        '    model:',
        '      modelFormat: { name: lightgbm }',
        '      storageUri: s3://models/churn/v1',
        '      resources: { requests: { cpu: "1", memory: 1Gi }, limits: { cpu: "1", memory: 1Gi } }',
      ].join('\n'),
    );
    const { code, out } = await run(
      'policy',
      'check',
      dir,
      '--policies',
      path.join(kyverno, 'policies'),
      '--output',
      'json',
    );
    const report = JSON.parse(out);
    expect(report.results).toContainEqual(
      expect.objectContaining({
        policy: 'require-model-format',
        rule: 'allowed-model-format',
        resource: {
          kind: 'InferenceService',
          namespace: 'serving-stack',
          name: 'churn',
        },
        result: 'fail',
        failureAction: 'Audit',
      }),
    );
    expect(report.summary.enforcedFailures).toBe(0);
    expect(code).toBe(0);
  });

  it("reports what a CEL policy's audit annotations recorded, in text and JSON", async () => {
    const example = path.join(
      kyverno,
      'tests/validating-policies/runtime-version',
    );
    const args = [
      'policy',
      'check',
      path.join(example, 'resources.yaml'),
      '--policies',
      path.join(example, 'policy.yaml'),
    ];
    const text = await run(...args);
    expect(text.out).toContain('Audit annotations (recorded, not enforced):');
    expect(text.out).toMatch(
      /Pod \S*ranker {2}minimum-runtime-version\/runtime-version: \S+/,
    );
    const json = JSON.parse((await run(...args, '--output', 'json')).out);
    const annotated = json.results.filter((r: any) => r.auditAnnotations);
    expect(annotated.length).toBeGreaterThan(0);
    expect(annotated[0].auditAnnotations).toEqual({
      'minimum-runtime-version/runtime-version': expect.any(String),
    });
  });

  it('reports malformed YAML with file, line and column, and exits 2', async () => {
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'apiVersion: v1\nkind: [Pod\n',
    );
    const { code, out } = await run(
      'policy',
      'check',
      dir,
      '--policies',
      path.join(kyverno, 'policies'),
    );
    expect(out).toMatch(
      new RegExp(
        `problem: ${path.join(dir, 'bad.yaml')}:\\d+:\\d+: invalid YAML`,
      ),
    );
    expect(code).toBe(2);
  });

  it('refuses files over --max-bytes, naming them', async () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(20000)}\n`);
    const { code, out } = await run(
      'policy',
      'check',
      dir,
      '--policies',
      path.join(kyverno, 'policies'),
      '--max-bytes',
      '100000',
    );
    expect(out).not.toMatch(/problem:/);
    const limited = await run(
      'policy',
      'check',
      dir,
      '--policies',
      path.join(kyverno, 'policies'),
      '--max-bytes',
      '10000',
    );
    expect(limited.out).toContain(
      `problem: ${path.join(
        dir,
        'big.yaml',
      )}: file is 20003 bytes, over the limit of 10000 bytes; refused`,
    );
    expect([code, limited.code]).toEqual([0, 2]);
  });

  it('refuses to run without policies, naming the option', async () => {
    await expect(run('policy', 'check', dir)).rejects.toThrow(
      '--policies <dir|file> is required',
    );
  });
});

describe('hermes drift audit', () => {
  const examples = path.resolve(__dirname, '../../../examples');
  const args = [
    'drift',
    'audit',
    '--cluster',
    'neuroscale-prod',
    '--desired',
    path.join(examples, 'gitops/clusters/neuroscale-prod'),
    '--live',
    path.join(examples, 'cluster-snapshot/neuroscale-prod'),
    '--skills',
    path.resolve(__dirname, '../../../skills'),
  ];

  it('finds the planted drift of the demo cluster, attributed and triaged, and exits 1 on critical', async () => {
    const { code, out } = await run(...args, '--output', 'json');
    const report = JSON.parse(out);
    expect(report.warnings).toEqual([]);
    const summary = report.findings.map((f: any) => [
      f.type,
      `${f.resource.kind} ${f.resource.name}`,
      f.classification,
      f.skill ?? null,
      f.changes.map((c: any) => c.path).join(','),
      f.attribution?.manager ?? null,
    ]);
    expect(summary.sort()).toEqual(
      [
        [
          'extra',
          'ClusterPolicy allow-debug-pods',
          'critical',
          'kyverno-drift-response',
          '',
          'kubectl-client-side-apply',
        ],
        [
          'modified',
          'ClusterPolicy require-resource-limits',
          'critical',
          'kyverno-drift-response',
          '/spec/rules/0/validate/failureAction',
          'kubectl-edit',
        ],
        [
          'modified',
          'Deployment feature-server',
          'unknown',
          null,
          '/spec/replicas',
          'kube-controller-manager',
        ],
        [
          'modified',
          'InferenceService fraud-detector',
          'unknown',
          null,
          '/metadata/labels/cost-center',
          'kubectl-patch',
        ],
        [
          'modified',
          'Secret model-registry-credentials',
          'unknown',
          null,
          '/data/password',
          'kubectl-edit',
        ],
        [
          'modified',
          'Service recommender-ranker-predictor',
          'harmless',
          'knative-autoscaler-drift',
          '/spec/template/metadata/annotations/autoscaling.knative.dev~1target',
          'controller',
        ],
      ].sort(),
    );
    expect(code).toBe(1);
  });

  it('names the users behind the changes from Kubernetes audit events', async () => {
    const log = path.join(
      examples,
      'cluster-snapshot/audit-log/neuroscale-prod.jsonl',
    );
    const { out } = await run(...args, '--audit-log', log);
    expect(out).toContain(
      'last written by kubectl-edit (human, Update) as "ops-admin" at 2026-11-24 03:12 UTC',
    );
    expect(out).toContain(
      'last written by kubectl-patch (human, Update) as "linus@neuroscale.io" at 2026-11-23 22:10 UTC',
    );
  });

  it('never prints a Secret value, in text or JSON', async () => {
    const text = await run(...args);
    const json = await run(...args, '--output', 'json');
    for (const secret of [
      'demo-not-a-real-password',
      'demo-changed-by-hand',
      btoa('demo-changed-by-hand'),
    ]) {
      expect(text.out).not.toContain(secret);
      expect(json.out).not.toContain(secret);
    }
    expect(text.out).toContain(
      '/data/password: Secret value differs (withheld)',
    );
  });
});
