import { stringify } from 'yaml';
import { KubernetesObject, parseKubernetesYaml } from './documents';
import {
  checkResources,
  checkResourcesAsync,
  PolicyCheckResult,
} from './engine';
import { compilePolicies } from './policies';
import { summarizeResults } from './report';

function load(...docs: object[]) {
  return parseKubernetesYaml(
    docs.map(d => stringify(d)).join('---\n'),
    'test.yaml',
  ).objects;
}

function check(policy: object, ...resources: object[]): PolicyCheckResult[] {
  const { policies, problems } = compilePolicies(load(policy));
  expect(problems).toEqual([]);
  return checkResources(policies, load(...resources)).filter(r => r.applies);
}

const clusterPolicy = (
  rules: object[],
  spec: object = {},
  annotations?: Record<string, string>,
) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec: { rules, ...spec },
});

const podRule = (validate: object, extra: object = {}) => ({
  name: 'r',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate,
  ...extra,
});

const pod = (name: string, containers: object[], metadata: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'serving-stack', ...metadata },
  spec: { containers },
});

describe('checkResources', () => {
  it('reports every rule on every resource in order, those whose kinds cannot match as not applying', () => {
    const kinds = (name: string, k: string[]) => ({
      name,
      match: { any: [{ resources: { kinds: k } }] },
      validate: { pattern: { metadata: { name: '?*' } } },
    });
    const noAutogen = { 'pod-policies.kyverno.io/autogen-controllers': 'none' };
    const { policies } = compilePolicies(
      load(
        clusterPolicy(
          [
            kinds('pods', ['Pod']),
            kinds('versioned', ['v1/Pod']),
            kinds('grouped', ['apps/v1/Deploy*']),
            kinds('any', ['*']),
          ],
          {},
          noAutogen,
        ),
        {
          apiVersion: 'kyverno.io/v1',
          kind: 'Policy',
          metadata: {
            name: 'team',
            namespace: 'team-a',
            annotations: noAutogen,
          },
          spec: { rules: [kinds('pods', ['Pod'])] },
        },
      ),
    );
    const resources = load(pod('web', []), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'team-a' },
    });
    const summary = (results: PolicyCheckResult[]) =>
      results.map(
        r =>
          `${r.resource.name} ${r.policy}/${r.rule} ${r.result} ${r.applies} ${r.message}`,
      );
    const all = checkResources(policies, resources);
    expect(summary(all)).toEqual([
      "web p/pods pass true validation rule 'pods' passed.",
      "web p/versioned pass true validation rule 'versioned' passed.",
      'web p/grouped skip false rule does not match the resource',
      "web p/any pass true validation rule 'any' passed.",
      'web team/pods skip false Policy team-a/team applies only to namespace team-a',
      'api p/pods skip false rule does not match the resource',
      'api p/versioned skip false rule does not match the resource',
      "api p/grouped pass true validation rule 'grouped' passed.",
      "api p/any pass true validation rule 'any' passed.",
      'api team/pods skip false rule does not match the resource',
    ]);
    expect(
      checkResources(policies, resources, { onlyApplicable: true }),
    ).toEqual(all.filter(r => r.applies));
  });

  it('reports pattern failures with the message, rule and path, Kyverno style', () => {
    const [result] = check(
      clusterPolicy([
        podRule({
          message: 'Images must be pinned',
          pattern: { spec: { containers: [{ image: '!*:latest' }] } },
        }),
      ]),
      pod('web', [{ name: 'web', image: 'nginx:latest' }]),
    );
    expect(result).toMatchObject({
      policy: 'p',
      rule: 'r',
      resource: { kind: 'Pod', namespace: 'serving-stack', name: 'web' },
      result: 'fail',
      path: '/spec/containers/0/image/',
      message:
        'validation error: Images must be pinned. rule r failed at path /spec/containers/0/image/',
      failureAction: 'Audit',
      source: 'test.yaml',
    });
  });

  it('reports a malformed containers field through the rule that checks it, not as an error of every rule', () => {
    const results = check(
      clusterPolicy([
        podRule({
          message: 'Images must be pinned',
          pattern: { spec: { containers: [{ image: '!*:latest' }] } },
        }),
        {
          ...podRule({
            message: 'An owner label is required',
            pattern: { metadata: { labels: { owner: '?*' } } },
          }),
          name: 'owner',
        },
      ]),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'odd', labels: { owner: 'team-a' } },
        spec: { containers: { web: { image: 'nginx:latest' } } },
      },
    );
    expect(results.map(r => [r.rule, r.result, r.path])).toEqual([
      ['r', 'fail', '/spec/containers/'],
      ['owner', 'pass', undefined],
    ]);
  });

  it('uses the rule failureAction over the policy validationFailureAction', () => {
    const results = check(
      clusterPolicy(
        [
          podRule({
            failureAction: 'Audit',
            pattern: { metadata: { labels: { owner: '?*' } } },
          }),
          {
            ...podRule({ pattern: { metadata: { labels: { team: '?*' } } } }),
            name: 'r2',
          },
        ],
        { validationFailureAction: 'enforce' },
      ),
      pod('web', []),
    );
    expect(results.map(r => [r.rule, r.failureAction])).toEqual([
      ['r', 'Audit'],
      ['r2', 'Enforce'],
    ]);
  });

  it('substitutes variables in messages and patterns', () => {
    const [result] = check(
      clusterPolicy([
        podRule({
          message:
            '{{ request.object.metadata.name }} must carry its own name as app label',
          pattern: {
            metadata: { labels: { app: '{{ request.object.metadata.name }}' } },
          },
        }),
      ]),
      pod('web', [], { labels: { app: 'api' } }),
    );
    expect(result.result).toBe('fail');
    expect(result.message).toMatch(/^validation error: web must carry/);
  });

  it('denies with conditions, including Kyverno functions', () => {
    const policy = clusterPolicy([
      podRule({
        message: 'name too long',
        deny: {
          conditions: {
            any: [
              {
                key: '{{ length(request.object.metadata.name) }}',
                operator: 'GreaterThan',
                value: 10,
              },
            ],
          },
        },
      }),
    ]);
    expect(check(policy, pod('short', []))[0].result).toBe('pass');
    expect(check(policy, pod('a-very-long-name', []))[0]).toMatchObject({
      result: 'fail',
      message: 'name too long',
    });
  });

  it('skips a rule whose preconditions do not hold', () => {
    const policy = clusterPolicy([
      podRule(
        {
          pattern: {
            spec: { containers: [{ image: 'registry.neuroscale.internal/*' }] },
          },
        },
        {
          preconditions: {
            all: [
              {
                key: "{{ request.object.metadata.labels.tier || '' }}",
                operator: 'Equals',
                value: 'prod',
              },
            ],
          },
        },
      ),
    ]);
    expect(
      check(policy, pod('dev', [{ image: 'docker.io/x:1' }]))[0],
    ).toMatchObject({
      result: 'skip',
      message: 'preconditions not met',
    });
    expect(
      check(
        policy,
        pod('prod', [{ image: 'docker.io/x:1' }], { labels: { tier: 'prod' } }),
      )[0].result,
    ).toBe('fail');
  });

  it('runs foreach with deny per element and names the failing element', () => {
    const policy = clusterPolicy([
      podRule({
        message: 'image {{ element.image }} uses latest',
        foreach: [
          {
            list: 'request.object.spec.containers',
            preconditions: {
              all: [
                {
                  key: '{{ element.name }}',
                  operator: 'NotEquals',
                  value: 'istio-proxy',
                },
              ],
            },
            deny: {
              conditions: {
                any: [
                  {
                    key: '{{ element.image }}',
                    operator: 'Equals',
                    value: '*:latest',
                  },
                ],
              },
            },
          },
        ],
      }),
    ]);
    const [bad] = check(
      policy,
      pod('web', [
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:latest' },
      ]),
    );
    expect(bad).toMatchObject({
      result: 'fail',
      message: 'validation failure: image b:latest uses latest',
      path: '/spec/containers/1/',
    });
    // No element to check: Kyverno gives no response at all for the rule.
    expect(
      check(
        policy,
        pod('mesh', [{ name: 'istio-proxy', image: 'proxy:latest' }]),
      ),
    ).toEqual([]);
    expect(
      check(policy, pod('ok', [{ name: 'a', image: 'a:1' }]))[0].result,
    ).toBe('pass');
  });

  it('runs foreach with a pattern applied to each element', () => {
    const policy = clusterPolicy([
      podRule({
        message: 'limits required',
        foreach: [
          {
            list: 'request.object.spec.containers',
            pattern: { resources: { limits: { memory: '?*' } } },
          },
        ],
      }),
    ]);
    expect(
      check(
        policy,
        pod('web', [
          { name: 'a', resources: { limits: { memory: '1Gi' } } },
          { name: 'b' },
        ]),
      )[0],
    ).toMatchObject({
      result: 'fail',
      message:
        'validation failure: validation error: limits required. rule r failed at path /resources/',
      path: '/spec/containers/1/resources/',
    });
  });

  it('passes anyPattern when one pattern passes and lists every failure otherwise', () => {
    const policy = clusterPolicy([
      podRule({
        message: 'run as non-root',
        anyPattern: [
          { spec: { securityContext: { runAsNonRoot: true } } },
          {
            spec: { containers: [{ securityContext: { runAsNonRoot: true } }] },
          },
        ],
      }),
    ]);
    expect(
      check(policy, pod('a', [{ securityContext: { runAsNonRoot: true } }]))[0]
        .result,
    ).toBe('pass');
    expect(check(policy, pod('b', [{}]))[0].message).toBe(
      'validation error: run as non-root. rule r[0] failed at path /spec/securityContext/ rule r[1] failed at path /spec/containers/0/securityContext/',
    );
  });

  it('reports an unresolvable variable as an error naming it', () => {
    const [result] = check(
      clusterPolicy([
        podRule({
          deny: {
            conditions: {
              all: [
                {
                  key: '{{ request.object.spec.nodeName }}',
                  operator: 'Equals',
                  value: 'x',
                },
              ],
            },
          },
        }),
      ]),
      pod('web', []),
    );
    expect(result.result).toBe('error');
    expect(result.message).toContain('request.object.spec.nodeName');
  });

  it('excludes resources and honours the namespace of a namespaced Policy', () => {
    const results = check(
      {
        apiVersion: 'kyverno.io/v1',
        kind: 'Policy',
        metadata: { name: 'p', namespace: 'serving-stack' },
        spec: {
          rules: [
            podRule(
              { pattern: { metadata: { labels: { owner: '?*' } } } },
              {
                exclude: {
                  any: [
                    {
                      resources: {
                        selector: {
                          matchLabels: {
                            'serving.knative.dev/configuration': '*',
                          },
                        },
                      },
                    },
                  ],
                },
              },
            ),
          ],
        },
      },
      pod('in-namespace', []),
      pod('knative', [], {
        labels: { 'serving.knative.dev/configuration': 'fraud' },
      }),
      {
        ...pod('elsewhere', []),
        metadata: { name: 'elsewhere', namespace: 'kube-system' },
      },
    );
    expect(results.map(r => `${r.resource.name}:${r.result}`)).toEqual([
      'in-namespace:fail',
    ]);
  });

  it('marks failures of unscored policies, which reports count as warnings', () => {
    const results = check(
      clusterPolicy(
        [podRule({ pattern: { metadata: { labels: { owner: '?*' } } } })],
        {},
        { 'policies.kyverno.io/scored': 'false' },
      ),
      pod('web', []),
    );
    expect(results[0]).toMatchObject({ result: 'fail', scored: false });
    expect(summarizeResults(results)).toMatchObject({ failed: 0, warned: 1 });
  });

  it('reports rules it cannot evaluate as skipped with the reason, never as passed', () => {
    const results = check(
      clusterPolicy([
        {
          name: 'add-label',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          mutate: { patchStrategicMerge: {} },
        },
        {
          name: 'cel',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          validate: {
            cel: {
              expressions: [
                {
                  expression:
                    "resource.Get('v1', 'configmaps', 'default', 'x').data.size() > 0",
                },
              ],
            },
          },
        },
        {
          name: 'images',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [{}],
        },
        {
          name: 'lookup',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          context: [{ name: 'cm', configMap: { name: 'x', namespace: 'y' } }],
          validate: { deny: {} },
        },
      ]),
      pod('web', []),
    );
    expect(results.map(r => [r.rule, r.result, r.message])).toEqual([
      ['add-label', 'skip', expect.stringMatching(/^unsupported: mutate/)],
      [
        'cel',
        'skip',
        expect.stringMatching(
          /^unsupported: the expression reads resources from the cluster/,
        ),
      ],
      ['images', 'skip', expect.stringMatching(/^unsupported: verifyImages/)],
      [
        'lookup',
        'skip',
        expect.stringMatching(/^unsupported: context entry "cm"/),
      ],
    ]);
  });

  describe('auto-generated rules for Pod controllers', () => {
    const policy = clusterPolicy([
      podRule({
        message: 'limits required',
        pattern: {
          spec: { containers: [{ resources: { limits: { memory: '?*' } } }] },
        },
      }),
    ]);
    const template = {
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'a', image: 'a:1' }] },
    };

    it.each([
      [
        'apps/v1',
        'Deployment',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'apps/v1',
        'StatefulSet',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'apps/v1',
        'DaemonSet',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'apps/v1',
        'ReplicaSet',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'v1',
        'ReplicationController',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'batch/v1',
        'Job',
        { template },
        'autogen-r',
        '/spec/template/spec/containers/0/resources/',
      ],
      [
        'batch/v1',
        'CronJob',
        { schedule: '@daily', jobTemplate: { spec: { template } } },
        'autogen-cronjob-r',
        '/spec/jobTemplate/spec/template/spec/containers/0/resources/',
      ],
    ])('checks a %s %s under rule %s', (apiVersion, kind, spec, rule, path) => {
      const results = check(policy, {
        apiVersion,
        kind,
        metadata: { name: 'w', namespace: 'serving-stack' },
        spec,
      });
      expect(results).toEqual([
        expect.objectContaining({ rule, result: 'fail', path }),
      ]);
    });

    it('rewrites variables to the pod template', () => {
      const foreachPolicy = clusterPolicy([
        podRule({
          message: 'no latest',
          foreach: [
            {
              list: 'request.object.spec.containers',
              deny: {
                conditions: {
                  any: [
                    {
                      key: '{{ element.image }}',
                      operator: 'Equals',
                      value: '*:latest',
                    },
                  ],
                },
              },
            },
          ],
        }),
      ]);
      const results = check(foreachPolicy, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'w' },
        spec: {
          template: {
            spec: { containers: [{ name: 'a', image: 'a:latest' }] },
          },
        },
      });
      expect(results).toEqual([
        expect.objectContaining({
          rule: 'autogen-r',
          result: 'fail',
          message: 'validation failure: no latest',
        }),
      ]);
    });

    it('follows the autogen-controllers annotation', () => {
      const limited = clusterPolicy(
        policy.spec.rules,
        {},
        { 'pod-policies.kyverno.io/autogen-controllers': 'Deployment' },
      );
      const { policies } = compilePolicies(load(limited));
      expect(policies[0].rules.map(r => r.name)).toEqual(['r', 'autogen-r']);
      const none = clusterPolicy(
        policy.spec.rules,
        {},
        { 'pod-policies.kyverno.io/autogen-controllers': 'none' },
      );
      expect(
        compilePolicies(load(none)).policies[0].rules.map(r => r.name),
      ).toEqual(['r']);
    });

    it('is generated only for the Pod rules of a policy that also has other rules', () => {
      const mixed = clusterPolicy([
        podRule({ pattern: { metadata: { name: '*' } } }),
        {
          ...podRule({ pattern: { metadata: { name: '*' } } }),
          name: 'svc',
          match: { any: [{ resources: { kinds: ['Service'] } }] },
        },
      ]);
      expect(
        compilePolicies(load(mixed)).policies[0].rules.map(r => r.name),
      ).toEqual(['r', 'svc', 'autogen-r', 'autogen-cronjob-r']);
    });

    it('is not generated when a rule lists Pod with other kinds or uses names or selectors', () => {
      const together = clusterPolicy([
        podRule(
          { pattern: {} },
          { match: { any: [{ resources: { kinds: ['Pod', 'Service'] } }] } },
        ),
      ]);
      expect(
        compilePolicies(load(together)).policies[0].rules.map(r => r.name),
      ).toEqual(['r']);
      const named = clusterPolicy([
        podRule(
          { pattern: {} },
          {
            match: {
              any: [{ resources: { kinds: ['Pod'], names: ['web-*'] } }],
            },
          },
        ),
      ]);
      expect(
        compilePolicies(load(named)).policies[0].rules.map(r => r.name),
      ).toEqual(['r']);
    });
  });
});

describe('hostile policies and values', () => {
  const sourced = (object: object) => ({
    object: object as KubernetesObject,
    source: 'test.yaml',
    line: 1,
  });
  const compile = (...rules: object[]) =>
    compilePolicies(load(clusterPolicy(rules))).policies;
  const nameRule = {
    ...podRule({ pattern: { metadata: { name: '?*' } } }),
    name: 'ok',
  };

  afterEach(() => {
    delete (Object.prototype as any).exclude;
  });

  it('fails a rule whose JMESPath result doubles without bound, naming the policy and rule, and evaluates the others', () => {
    const doubling = `{{ request.object${' | [@,@]'.repeat(30)} }}`;
    const results = check(
      clusterPolicy([
        podRule({
          message: doubling,
          deny: {
            conditions: {
              any: [{ key: doubling, operator: 'Equals', value: [1] }],
            },
          },
        }),
        nameRule,
      ]),
      pod('web', []),
    );
    expect(results.map(r => [r.rule, r.result])).toEqual([
      ['r', 'error'],
      ['ok', 'pass'],
    ]);
    expect(results[0].message).toMatch(
      /^policy "p", rule "r": a JMESPath result is larger than the limit/,
    );
  });

  it('fails a rule that runs past its time budget and evaluates the others', () => {
    const policies = compile(
      podRule({
        foreach: [
          {
            list: 'request.object.spec.containers',
            deny: {
              conditions: {
                any: [
                  { key: '{{ element.name }}', operator: 'Equals', value: '-' },
                ],
              },
            },
          },
        ],
      }),
      nameRule,
    );
    const containers = Array.from({ length: 50_000 }, (_, i) => ({
      name: `c${i}`,
      image: 'nginx:1.27',
    }));
    const results = checkResources(
      policies,
      [sourced(pod('web', containers))],
      {
        limits: { timeoutMs: 100 },
      },
    ).filter(r => r.applies);
    expect(results.map(r => [r.rule, r.result])).toEqual([
      ['r', 'error'],
      ['ok', 'pass'],
    ]);
    expect(results[0].message).toMatch(
      /^policy "p", rule "r": evaluation took longer than 100 ms/,
    );
  });

  it('reports a pattern that is not RE2 syntax as an error naming the pattern, policy and rule', () => {
    const [result] = check(
      clusterPolicy([
        podRule({
          deny: {
            conditions: {
              any: [
                {
                  key: "{{ regex_match('(?=x)web', request.object.metadata.name) }}",
                  operator: 'Equals',
                  value: true,
                },
              ],
            },
          },
        }),
      ]),
      pod('web', []),
    );
    expect(result.result).toBe('error');
    expect(result.message).toMatch(
      /^policy "p", rule "r": regex_match: "\(\?=x\)web" is not a valid RE2 regular expression/,
    );
  });

  it('refuses values and context entries that would reach Object.prototype', () => {
    const everything = { any: [{ resources: { kinds: ['*'] } }] };
    const policies = compile(
      {
        ...podRule({ pattern: { metadata: { name: 'nobody' } } }),
        name: 'values',
      },
      {
        ...podRule({ pattern: { metadata: { name: 'nobody' } } }),
        name: 'context',
        context: [
          { name: '__proto__', variable: { value: { exclude: everything } } },
        ],
      },
    );
    const results = checkResources(policies, [sourced(pod('web', []))], {
      valuesFor: (_, rule) =>
        rule === 'values' ? { '__proto__.exclude': everything } : undefined,
    }).filter(r => r.applies);
    expect(({} as any).exclude).toBeUndefined();
    expect(results.map(r => [r.rule, r.result, r.message])).toEqual([
      [
        'values',
        'error',
        'policy "p", rule "values": values key "__proto__.exclude" is refused: __proto__, constructor and prototype cannot be set',
      ],
      [
        'context',
        'error',
        'policy "p", rule "context": context entry "__proto__" is refused: __proto__, constructor and prototype cannot be set',
      ],
    ]);
  });

  it('checks asynchronously with the same results, letting timers run in between', async () => {
    const policies = compile(
      podRule({
        foreach: [
          {
            list: 'request.object.spec.containers',
            pattern: { image: '!*:latest' },
          },
        ],
      }),
      nameRule,
    );
    const resources = Array.from({ length: 300 }, (_, i) =>
      sourced(
        pod(
          `web-${i}`,
          Array.from({ length: 50 }, (__, j) => ({
            name: `c${j}`,
            image: j === i % 50 ? 'nginx:latest' : 'nginx:1.27',
          })),
        ),
      ),
    );
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 1);
    const results = await checkResourcesAsync(policies, resources, {
      yieldEveryMs: 5,
    });
    clearInterval(timer);
    expect(results).toEqual(checkResources(policies, resources));
    expect(timerRuns).toBeGreaterThan(0);
  });
});

describe('compilePolicies', () => {
  it('warns about unknown fields and still evaluates the policy', () => {
    const { policies, problems } = compilePolicies(
      load(
        clusterPolicy(
          [
            podRule(
              { patern: {}, pattern: { metadata: { name: '*' } } },
              { mach: {} },
            ),
          ],
          { validationFailureActon: 'Enforce' },
        ),
      ),
    );
    expect(problems).toEqual([]);
    expect(policies[0].warnings).toEqual([
      'spec.validationFailureActon: unknown field (ignored)',
      'spec.rules[0].mach: unknown field (ignored)',
      'spec.rules[0].validate.patern: unknown field (ignored)',
    ]);
    expect(policies[0].rules[0].unsupported).toBeUndefined();
  });

  it('reports documents that are not usable policies', () => {
    const { policies, problems } = compilePolicies(
      load(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
        {
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          metadata: { name: 'empty' },
          spec: {},
        },
        {
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          metadata: { name: 'nameless' },
          spec: { rules: [{}] },
        },
      ),
    );
    expect(policies).toEqual([]);
    expect(problems.map(p => p.message)).toEqual([
      'ConfigMap "cm" is not a Kyverno ClusterPolicy, Policy, ValidatingPolicy or a ValidatingAdmissionPolicy; ignored',
      'ClusterPolicy "empty" has no spec.rules; ignored',
      'ClusterPolicy "nameless": spec.rules[0] has no name; policy ignored',
    ]);
  });
});
