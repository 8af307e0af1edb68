import { runKyvernoTest } from './kyvernoTest';

const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: require-owner }
spec:
  rules:
    - name: owner
      match: { any: [{ resources: { kinds: [Pod] } }] }
      validate:
        failureAction: Enforce
        pattern: { metadata: { labels: { owner: "?*" } } }
`;
const resources = `
apiVersion: v1
kind: Pod
metadata: { name: owned, namespace: demo, labels: { owner: ranking } }
spec: { containers: [{ name: a, image: "a:1" }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: orphan, namespace: demo }
spec: { template: { metadata: {}, spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: demo }
`;
const files: Record<string, string> = {
  'policy.yaml': policy,
  'resources.yaml': resources,
};
const read = async (name: string) => {
  if (!(name in files)) throw new Error(`ENOENT: ${name}`);
  return files[name];
};

function test(results: string): string {
  return `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: { name: owners }
policies: [policy.yaml]
resources: [resources.yaml]
results:
${results}`;
}

describe('runKyvernoTest', () => {
  it('matches base rule names to the auto-generated rules, as the Kyverno CLI does', async () => {
    const run = await runKyvernoTest(
      test(`  - { policy: require-owner, rule: owner, kind: Pod, resources: [owned], result: pass }
  - { policy: require-owner, rule: owner, kind: Deployment, resources: [demo/orphan], result: fail }`),
      'kyverno-test.yaml',
      read,
    );
    expect(run.problems).toEqual([]);
    expect(
      run.outcomes.map(o => [o.rule, o.resource, o.actual, o.matched]),
    ).toEqual([
      ['owner', 'owned', 'pass', true],
      ['autogen-owner', 'orphan', 'fail', true],
    ]);
  });

  it('counts a rule that does not apply as Excluded, whatever was expected', async () => {
    const run = await runKyvernoTest(
      test(
        '  - { policy: require-owner, rule: owner, kind: ConfigMap, resources: [settings], result: fail }',
      ),
      'kyverno-test.yaml',
      read,
    );
    expect(run.outcomes).toEqual([
      expect.objectContaining({ actual: 'excluded', matched: true }),
    ]);
  });

  it('reports a wrong expectation, an unknown resource and an unreadable file', async () => {
    const run = await runKyvernoTest(
      test(`  - { policy: require-owner, rule: owner, kind: Pod, resources: [owned], result: fail }
  - { policy: require-owner, rule: owner, kind: Pod, resources: [typo], result: pass }
  - { policy: other, rule: x, kind: Pod, resources: [owned], result: pass }`).replace(
        'resources: [resources.yaml]',
        'resources: [resources.yaml, missing.yaml]',
      ),
      'kyverno-test.yaml',
      read,
    );
    expect(run.outcomes.map(o => [o.matched, o.message])).toEqual([
      [false, "validation rule 'owner' passed."],
      [false, 'resource "typo" is not among the test\'s resources'],
      [false, 'policy "other" is not among the test\'s policies'],
    ]);
    expect(run.problems).toEqual([
      { source: 'missing.yaml', message: 'cannot read: ENOENT: missing.yaml' },
    ]);
  });

  describe('hostile files', () => {
    // The second resource fails the rule; the suite says it passes, so the suite must fail.
    const failing =
      test(`  - { policy: require-owner, rule: owner, kind: Pod, resources: [owned], result: pass }
  - { policy: require-owner, rule: owner, kind: Pod, resources: [stray], result: pass }`)
        .replace('resources: [resources.yaml]', 'resources: [pods.yaml]')
        .concat('\nvariables: values.yaml\n');
    const pods = `${resources.split('---')[0]}---
apiVersion: v1
kind: Pod
metadata: { name: stray, namespace: demo }
spec: { containers: [{ name: a, image: "a:1" }] }
`;
    const attack = `apiVersion: cli.kyverno.io/v1alpha1
kind: Values
globalValues:
  __proto__.exclude:
    any:
      - resources: { kinds: ["*"] }
`;
    const reader = (extra: Record<string, string>) => async (name: string) =>
      extra[name] ?? read(name);

    afterEach(() => {
      delete (Object.prototype as any).exclude;
    });

    it('does not let a __proto__.exclude values key turn a failing suite green', async () => {
      const run = await runKyvernoTest(
        failing,
        'kyverno-test.yaml',
        reader({ 'pods.yaml': pods, 'values.yaml': attack }),
      );
      expect(({} as any).exclude).toBeUndefined();
      expect(run.outcomes.map(o => [o.resource, o.actual, o.matched])).toEqual([
        ['owned', 'pass', true],
        ['stray', 'fail', false],
      ]);
      expect(run.problems).toEqual([
        {
          source: 'values.yaml',
          message:
            'values key "__proto__.exclude" (in globalValues) is refused: __proto__, constructor and prototype cannot be set; the values file is not used',
        },
      ]);
    });

    it.each([
      ['the test file', 'kyverno-test.yaml'],
      ['the values file', 'values.yaml'],
    ])('refuses %s when it is over the size limit', async (_, big) => {
      const padding = `\n# ${'x'.repeat(3000)}\n`;
      const contents: Record<string, string> = {
        'pods.yaml': pods,
        'values.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\n',
      };
      const text = big === 'kyverno-test.yaml' ? failing + padding : failing;
      if (big === 'values.yaml') contents['values.yaml'] += padding;
      const run = await runKyvernoTest(
        text,
        'kyverno-test.yaml',
        reader(contents),
        {
          maxBytes: 2000,
        },
      );
      expect(run.problems).toEqual([
        {
          source: big,
          message: expect.stringMatching(
            /^file is \d+ bytes, over the limit of 2000 bytes; refused$/,
          ),
        },
      ]);
    });
  });
});
