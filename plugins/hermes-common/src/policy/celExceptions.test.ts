import { parseKubernetesYaml } from './documents';
import { checkResources } from './engine';
import { compilePolicies } from './policies';

const load = (text: string) => parseKubernetesYaml(text, 'test.yaml').objects;

const pod = (name: string, image: string, namespace = 'shop') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  containers:
    - {name: app, image: "${image}"}
`;

const noLatest = `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: no-latest}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
      message: no latest
`;

const check = (documents: string, resources: string[]) => {
  const compiled = compilePolicies(load(documents));
  return {
    problems: compiled.problems,
    // Rules that do not apply (the autogen rules, on Pods) are left out.
    results: checkResources(compiled.policies, resources.flatMap(load)).filter(
      r => r.applies,
    ),
  };
};

describe('PolicyExceptions for ValidatingPolicies', () => {
  const exception = (extra = '') => `
apiVersion: policies.kyverno.io/v1alpha1
kind: PolicyException
metadata: {name: debug-pods, namespace: kyverno}
spec:
  policyRefs:
    - {name: no-latest, kind: ValidatingPolicy}
  matchConditions:
    - {name: debug-only, expression: "object.metadata.name.startsWith('debug-')"}
${extra}`;

  it('skips the policy for resources the exception matches, naming the exception', () => {
    const { problems, results } = check(`${noLatest}---${exception()}`, [
      pod('debug-shell', 'busybox:latest'),
      pod('web', 'nginx:latest'),
      pod('api', 'api:1.0'),
    ]);
    expect(problems).toEqual([]);
    expect(results.map(r => [r.resource.name, r.result, r.message])).toEqual([
      [
        'debug-shell',
        'skip',
        'rule is skipped due to policy exception: kyverno/debug-pods',
      ],
      ['web', 'fail', 'no latest'],
      ['api', 'pass', 'success'],
    ]);
  });

  it('reports a pass when the exception asks for it', () => {
    const { results } = check(
      `${noLatest}---${exception('  reportResult: pass')}`,
      [pod('debug-shell', 'busybox:latest')],
    );
    expect(results[0]).toMatchObject({
      result: 'pass',
      message: 'rule is passed due to policy exception: kyverno/debug-pods',
    });
  });

  it('ignores exceptions that name another policy or kind', () => {
    const other = exception().replace(
      '{name: no-latest, kind: ValidatingPolicy}',
      '{name: no-latest, kind: ClusterPolicy}',
    );
    const { results } = check(`${noLatest}---${other}`, [
      pod('debug-shell', 'busybox:latest'),
    ]);
    expect(results[0].result).toBe('fail');
  });

  it('reports invalid exceptions and ClusterPolicy exceptions as problems', () => {
    const broken = exception().replace(
      "object.metadata.name.startsWith('debug-')",
      'object.metadata.(',
    );
    const legacy = `
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: legacy, namespace: kyverno}
spec:
  exceptions: [{policyName: x, ruleNames: [y]}]
  match: {any: [{resources: {kinds: [Pod]}}]}
`;
    const { problems, results } = check(`${noLatest}---${broken}---${legacy}`, [
      pod('debug-shell', 'busybox:latest'),
    ]);
    expect(problems.map(p => p.message)).toEqual([
      expect.stringMatching(
        /^PolicyException "kyverno\/debug-pods": compilation error in .*; ignored$/,
      ),
      expect.stringMatching(
        /PolicyException "legacy": kyverno.io PolicyExceptions .* not supported/,
      ),
    ]);
    expect(results[0].result).toBe('fail');
  });
});

describe('auditAnnotations', () => {
  const policy = (kind: string) => `
apiVersion: ${
    kind === 'ValidatingPolicy'
      ? 'policies.kyverno.io/v1'
      : 'admissionregistration.k8s.io/v1'
  }
kind: ${kind}
metadata: {name: image-audit}
spec:
  ${kind === 'ValidatingPolicy' ? 'validationActions: [Audit]' : ''}
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
  auditAnnotations:
    - key: images
      valueExpression: "object.spec.containers.map(c, c.image).join(',')"
    - key: latest
      valueExpression: "object.spec.containers.exists(c, c.image.endsWith(':latest')) ? object.metadata.name : null"
`;

  it.each(['ValidatingPolicy', 'ValidatingAdmissionPolicy'])(
    'are reported with the result of a %s, never enforced',
    kind => {
      const { results } = check(policy(kind), [
        pod('web', 'nginx:latest'),
        pod('api', 'api:1.0'),
      ]);
      expect(
        results.map(r => [r.resource.name, r.result, r.auditAnnotations]),
      ).toEqual([
        [
          'web',
          'fail',
          { 'image-audit/images': 'nginx:latest', 'image-audit/latest': 'web' },
        ],
        ['api', 'pass', { 'image-audit/images': 'api:1.0' }],
      ]);
    },
  );

  it('makes the rule an error when a value is not a string', () => {
    const { results } = check(
      policy('ValidatingPolicy').replace(
        "object.spec.containers.map(c, c.image).join(',')",
        'object.spec.containers.size()',
      ),
      [pod('api', 'api:1.0')],
    );
    expect(results[0]).toMatchObject({
      result: 'error',
      message:
        'auditAnnotations "images": valueExpression returned 1, not a string or null',
    });
  });

  it('lets a policy consist of audit annotations only', () => {
    const text = policy('ValidatingAdmissionPolicy').replace(
      / {2}validations:\n.*\n/,
      '',
    );
    const { problems, results } = check(text, [pod('api', 'api:1.0')]);
    expect(problems).toEqual([]);
    expect(results[0]).toMatchObject({
      result: 'pass',
      auditAnnotations: { 'image-audit/images': 'api:1.0' },
    });
  });
});
