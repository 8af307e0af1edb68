import { KubernetesObject } from './documents';
import { blockMatches, kindMatches, selectorMatches } from './match';

const deployment: KubernetesObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'fraud-detector-predictor',
    namespace: 'serving-stack',
    labels: {
      owner: 'ranking',
      'serving.knative.dev/configuration': 'fraud-detector',
    },
    annotations: { 'team.neuroscale.io/tier': 'gold' },
  },
};
const isvc: KubernetesObject = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'fraud-detector', namespace: 'serving-stack' },
};

describe('kindMatches', () => {
  it.each([
    ['Deployment', deployment, true],
    ['Deploy*', deployment, true],
    ['Pod', deployment, false],
    ['v1/Deployment', deployment, true],
    ['v2/Deployment', deployment, false],
    ['apps/v1/Deployment', deployment, true],
    ['apps/*/Deployment', deployment, true],
    ['batch/v1/Deployment', deployment, false],
    ['serving.kserve.io/v1beta1/InferenceService', isvc, true],
    ['serving.kserve.io/*/InferenceService', isvc, true],
    ['*/InferenceService', isvc, true],
    ['Deployment/scale', deployment, true],
  ])('%s against %s is %s', (selector, object, expected) => {
    // A subresource form (Kind/subresource) is read as Version/Kind and never matches a whole object.
    const expectation = selector === 'Deployment/scale' ? false : expected;
    expect(kindMatches(selector, object)).toBe(expectation);
  });
});

describe('selectorMatches', () => {
  const labels = { owner: 'ranking', tier: 'gpu' };
  it.each([
    [{ matchLabels: { owner: 'ranking' } }, true],
    [{ matchLabels: { owner: 'rank*' } }, true],
    [{ matchLabels: { owner: 'platform' } }, false],
    [
      {
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['gpu', 'tpu'] },
        ],
      },
      true,
    ],
    [
      {
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gpu'] }],
      },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'missing', operator: 'NotIn', values: ['gpu'] },
        ],
      },
      true,
    ],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [
      {
        matchLabels: { owner: 'ranking' },
        matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }],
      },
      false,
    ],
  ])('%j is %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('blockMatches', () => {
  it.each([
    ['legacy resources form', { resources: { kinds: ['Deployment'] } }, true],
    [
      'any: one filter matches',
      {
        any: [
          { resources: { kinds: ['Pod'] } },
          { resources: { kinds: ['Deployment'] } },
        ],
      },
      true,
    ],
    [
      'all: every filter must match',
      {
        all: [
          { resources: { kinds: ['Deployment'] } },
          { resources: { namespaces: ['kube-*'] } },
        ],
      },
      false,
    ],
    [
      'all: every filter matches',
      {
        all: [
          { resources: { kinds: ['Deployment'] } },
          { resources: { namespaces: ['serving-*'] } },
        ],
      },
      true,
    ],
    [
      'name wildcard',
      { any: [{ resources: { kinds: ['Deployment'], name: 'fraud-*' } }] },
      true,
    ],
    [
      'names list',
      {
        any: [{ resources: { names: ['other', 'fraud-detector-predictor'] } }],
      },
      true,
    ],
    [
      'namespaces',
      { any: [{ resources: { namespaces: ['kube-system'] } }] },
      false,
    ],
    [
      'annotations',
      {
        any: [
          { resources: { annotations: { 'team.neuroscale.io/tier': 'g*' } } },
        ],
      },
      true,
    ],
    [
      'annotations mismatch',
      {
        any: [
          {
            resources: { annotations: { 'team.neuroscale.io/tier': 'silver' } },
          },
        ],
      },
      false,
    ],
    [
      'selector',
      {
        any: [
          {
            resources: {
              kinds: ['Deployment'],
              selector: {
                matchLabels: { 'serving.knative.dev/configuration': '?*' },
              },
            },
          },
        ],
      },
      true,
    ],
    [
      'operations',
      {
        any: [{ resources: { kinds: ['Deployment'], operations: ['UPDATE'] } }],
      },
      false,
    ],
    [
      'operations include CREATE',
      {
        any: [
          {
            resources: {
              kinds: ['Deployment'],
              operations: ['CREATE', 'UPDATE'],
            },
          },
        ],
      },
      true,
    ],
  ])('%s', (_, block, expected) => {
    expect(blockMatches(block as any, deployment, 'CREATE')).toBe(expected);
  });

  it('matches nothing without a block', () => {
    expect(blockMatches(undefined, deployment, 'CREATE')).toBe(false);
  });
});
