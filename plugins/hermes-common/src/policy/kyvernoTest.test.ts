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
});
