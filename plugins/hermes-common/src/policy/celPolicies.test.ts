import { parseKubernetesYaml } from './documents';
import { checkResources } from './engine';
import { compilePolicies } from './policies';
import { summarizeResults, resultLabel } from './report';

const load = (text: string) => parseKubernetesYaml(text, 'test.yaml').objects;

const deployment = (
  name: string,
  replicas: number,
  labels: Record<string, string> = {},
) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop, labels: ${JSON.stringify(labels)}}
spec:
  replicas: ${replicas}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - {name: app, image: "shop/${name}:${replicas > 2 ? 'latest' : '1.0'}"}
`;

const pod = (name: string, image: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop}
spec:
  containers:
    - {name: app, image: "${image}"}
`;

function run(policies: string, resources: string[], options = {}) {
  const compiled = compilePolicies(load(policies));
  expect(compiled.problems).toEqual([]);
  return {
    compiled,
    results: checkResources(
      compiled.policies,
      resources.flatMap(load),
      options,
    ),
  };
}

describe('ValidatingPolicy', () => {
  const policy = (actions: string) => `
apiVersion: policies.kyverno.io/v1beta1
kind: ValidatingPolicy
metadata: {name: max-replicas}
spec:
  validationActions: ${actions}
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  matchConditions:
    - {name: not-exempt, expression: "!('exempt' in object.metadata.labels)"}
  variables:
    - {name: limit, expression: "2"}
  validations:
    - expression: "object.spec.replicas <= variables.limit"
      messageExpression: "'replicas ' + string(object.spec.replicas) + ' over ' + string(variables.limit)"
`;

  it('passes, fails with the message expression, and skips when a match condition is false', () => {
    const { results } = run(policy('[Deny]'), [
      deployment('small', 1),
      deployment('big', 5),
      deployment('exempt', 5, { exempt: 'yes' }),
    ]);
    expect(
      results.map(r => [r.resource.name, r.result, r.message, r.failureAction]),
    ).toEqual([
      ['small', 'pass', 'success', 'Enforce'],
      ['big', 'fail', 'replicas 5 over 2', 'Enforce'],
      ['exempt', 'skip', 'match condition "not-exempt" is not met', 'Enforce'],
    ]);
  });

  it('maps validationActions onto the report like validationFailureAction', () => {
    const audit = run(policy('[Audit]'), [deployment('big', 5)]).results;
    expect(audit[0].failureAction).toBe('Audit');
    expect(summarizeResults(audit)).toMatchObject({
      failed: 1,
      enforcedFailures: 0,
    });
    const warn = run(policy('[Warn]'), [deployment('big', 5)]).results;
    expect(resultLabel(warn[0])).toBe('warn (Warn action)');
    expect(summarizeResults(warn)).toMatchObject({ failed: 0, warned: 1 });
  });

  it('does not respond for resources outside matchConstraints', () => {
    const { results } = run(policy('[Deny]'), [pod('web', 'nginx:1.0')]);
    expect(results.every(r => !r.applies)).toBe(true);
  });

  it('covers Pod controllers through autogen, rewriting object.spec to the pod template', () => {
    const { results } = run(
      `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: no-latest}
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
      message: "images must not use the latest tag"
`,
      [pod('web', 'nginx:latest'), deployment('good', 1), deployment('bad', 3)],
    );
    expect(
      results
        .filter(r => r.applies)
        .map(r => [r.rule, r.resource.name, r.result]),
    ).toEqual([
      ['no-latest', 'web', 'fail'],
      ['autogen-no-latest', 'good', 'pass'],
      ['autogen-no-latest', 'bad', 'fail'],
    ]);
  });

  it('selects by namespace labels when they are known', () => {
    const text = policy('[Deny]').replace(
      'matchConstraints:',
      'matchConstraints:\n    namespaceSelector: {matchLabels: {tier: prod}}',
    );
    const { compiled, results } = run(text, [deployment('big', 5)], {
      namespaceLabels: { shop: { tier: 'dev' } },
    });
    expect(results[0].applies).toBe(false);
    expect(compiled.policies[0].warnings[0]).toMatch(
      /namespaceSelector needs namespace labels/,
    );
  });

  it('reports an expression that needs the cluster as skipped, never passed', () => {
    const text = policy('[Deny]').replace(
      'object.spec.replicas <= variables.limit',
      "object.spec.replicas <= int(resource.Get('v1', 'configmaps', 'shop', 'limits').data.max)",
    );
    const { results } = run(text, [deployment('big', 5)]);
    expect(results[0]).toMatchObject({
      result: 'skip',
      message: expect.stringMatching(/reads resources from the cluster/),
    });
  });

  it('reports a validation that cannot be evaluated as an error naming the expression', () => {
    const text = policy('[Deny]').replace(
      'object.spec.replicas <= variables.limit',
      'object.spec.missing <= 2',
    );
    const { results } = run(text, [deployment('big', 5)]);
    expect(results[0]).toMatchObject({
      result: 'error',
      message: expect.stringMatching(/object.spec.missing/),
    });
  });
});

describe('ValidatingPolicy variables', () => {
  const policy = (variables: string, expression: string) => `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: replicas}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  variables:
${variables}
  validations:
    - expression: "${expression}"
      messageExpression: "'replicas ' + string(variables.replicas)"
`;
  const variables = `    - {name: replicas, expression: "object.spec.replicas"}
    - {name: broken, expression: "object.spec.missing"}`;

  it('evaluates a variable only when an expression reads it, for each resource anew', () => {
    const { results } = run(policy(variables, 'variables.replicas <= 2'), [
      deployment('small', 1),
      deployment('big', 5),
      deployment('medium', 2),
    ]);
    expect(results.map(r => [r.resource.name, r.result, r.message])).toEqual([
      ['small', 'pass', 'success'],
      ['big', 'fail', 'replicas 5'],
      ['medium', 'pass', 'success'],
    ]);
  });

  it('makes the expression that reads a failing variable an error naming it', () => {
    const { results } = run(policy(variables, 'variables.broken <= 2'), [
      deployment('small', 1),
    ]);
    expect(results[0]).toMatchObject({
      result: 'error',
      message: expect.stringMatching(/variable "broken"/),
    });
  });

  it('reports a policy that declares a variable name twice as an error naming it', () => {
    const { results } = run(
      policy(
        `${variables}\n    - {name: replicas, expression: "1"}`,
        'variables.replicas <= 2',
      ),
      [deployment('small', 1)],
    );
    expect(results[0]).toMatchObject({
      result: 'error',
      message: expect.stringMatching(
        /^spec: variables: the name "replicas" is declared twice$/,
      ),
    });
  });
});

describe('ValidatingAdmissionPolicy', () => {
  const vap = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
    - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-prod}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef: {name: limits, parameterNotFoundAction: Deny}
  matchResources:
    objectSelector: {matchLabels: {tier: prod}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: shop}
data: {maxReplicas: "3"}
`;

  it('evaluates through its binding with the parameter resource', () => {
    const { results } = run(vap, [
      deployment('ok', 2, { tier: 'prod' }),
      deployment('big', 5, { tier: 'prod' }),
      deployment('dev', 5, { tier: 'dev' }),
    ]);
    expect(
      results.map(r => [
        r.rule,
        r.resource.name,
        r.result,
        r.applies,
        r.failureAction,
      ]),
    ).toEqual([
      ['replica-limit-prod', 'ok', 'pass', true, 'Enforce'],
      ['replica-limit-prod', 'big', 'fail', true, 'Enforce'],
      ['replica-limit-prod', 'dev', 'skip', false, 'Enforce'],
    ]);
    expect(results[1].message).toBe(
      'failed expression: object.spec.replicas <= int(params.data.maxReplicas)',
    );
  });

  it('fails when the parameter resource is missing and the binding says Deny', () => {
    const { results } = run(vap.replace('name: limits,', 'name: other,'), [
      deployment('ok', 2, { tier: 'prod' }),
    ]);
    expect(results[0]).toMatchObject({
      result: 'fail',
      message: expect.stringMatching(/no params found/),
    });
  });
});

describe('validate.cel in a ClusterPolicy', () => {
  it('evaluates CEL expressions with variables, on Pods and through autogen', () => {
    const { results } = run(
      `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: registry}
spec:
  validationFailureAction: Enforce
  rules:
    - name: trusted-registry
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        cel:
          variables:
            - {name: images, expression: "object.spec.containers.map(c, c.image)"}
          expressions:
            - expression: "variables.images.all(i, i.matches('^shop/'))"
              message: "images must come from shop/"
`,
      [
        pod('ok', 'shop/web:1'),
        pod('bad', 'docker.io/web:1'),
        deployment('dep', 1),
      ],
    );
    expect(
      results
        .filter(r => r.applies)
        .map(r => [r.rule, r.resource.name, r.result, r.message]),
    ).toEqual([
      ['trusted-registry', 'ok', 'pass', 'success'],
      ['trusted-registry', 'bad', 'fail', 'images must come from shop/'],
      ['autogen-trusted-registry', 'dep', 'pass', 'success'],
    ]);
  });
});

describe('kinds a CEL policy cannot select', () => {
  const NOT_SELECTED = 'matchConstraints do not select the resource';
  const BINDING = "the binding's matchResources do not select the resource";
  const policies = `
apiVersion: policies.kyverno.io/v1
kind: NamespacedValidatingPolicy
metadata: {name: team-deploys, namespace: team-a}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
    - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: wide}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: [pods/status, deployments/*]}
  validations:
    - expression: "has(object.metadata.labels)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: wide-statefulsets}
spec:
  policyName: wide
  validationActions: [Deny]
  matchResources:
    resourceRules:
      - {apiGroups: [apps], apiVersions: ['*'], operations: ['*'], resources: [statefulsets]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: wide-all}
spec:
  policyName: wide
  validationActions: [Audit]
`;
  const resources = [
    pod('pod-a', 'shop/web:1').replace('namespace: shop', 'namespace: team-a'),
    deployment('dep-a', 2).replace('namespace: shop', 'namespace: team-a'),
    deployment('dep-b', 9).replace('namespace: shop', 'namespace: team-b'),
  ];

  it('reports them skipped with the message and in the order a full evaluation gives', () => {
    const { compiled, results } = run(policies, resources);
    expect(
      results.map(r => [r.rule, r.resource.name, r.result, r.message]),
    ).toEqual([
      ['team-deploys', 'pod-a', 'skip', NOT_SELECTED],
      ['wide-statefulsets', 'pod-a', 'skip', NOT_SELECTED],
      ['wide-all', 'pod-a', 'skip', NOT_SELECTED],
      ['team-deploys', 'dep-a', 'pass', 'success'],
      ['wide-statefulsets', 'dep-a', 'skip', BINDING],
      ['wide-all', 'dep-a', 'pass', ''],
      [
        'team-deploys',
        'dep-b',
        'skip',
        'the policy applies only to namespace team-a',
      ],
      ['wide-statefulsets', 'dep-b', 'skip', BINDING],
      ['wide-all', 'dep-b', 'pass', ''],
    ]);
    // Without the kind test every rule is evaluated in full: the same results.
    for (const policy of compiled.policies)
      for (const rule of policy.rules) delete rule.kindMiss;
    expect(checkResources(compiled.policies, resources.flatMap(load))).toEqual(
      results,
    );
  });

  it('leaves them out of the applicable results', () => {
    const { results } = run(policies, resources, { onlyApplicable: true });
    expect(results.map(r => [r.rule, r.resource.name])).toEqual([
      ['team-deploys', 'dep-a'],
      ['wide-all', 'dep-a'],
      ['wide-all', 'dep-b'],
    ]);
  });
});
