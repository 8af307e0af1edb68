import { matchPattern } from './pattern';

const pod = (spec: object, metadata: object = { name: 'p' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});

describe('matchPattern', () => {
  it('reports the path of the first field that does not match', () => {
    const outcome = matchPattern(
      pod({ containers: [{ name: 'a', image: 'nginx:latest' }] }),
      {
        spec: { containers: [{ image: '!*:latest' }] },
      },
    );
    expect(outcome).toEqual({
      status: 'fail',
      path: '/spec/containers/0/image/',
      reason: expect.any(String),
    });
  });

  it('requires fields the pattern names, with "*" and "?*"', () => {
    expect(
      matchPattern({ metadata: {} }, { metadata: { labels: { owner: '?*' } } }),
    ).toMatchObject({
      status: 'fail',
      path: '/metadata/labels/',
    });
    // "*" reports the parent path, as Kyverno does.
    expect(
      matchPattern(
        { metadata: { labels: {} } },
        { metadata: { labels: { owner: '*' } } },
      ),
    ).toEqual({
      status: 'fail',
      path: '/metadata/labels/',
      reason: '/metadata/labels/owner not found',
    });
    expect(
      matchPattern(
        { metadata: { labels: { owner: '' } } },
        { metadata: { labels: { owner: '*' } } },
      ),
    ).toEqual({
      status: 'pass',
    });
  });

  it('checks every element of a list against a map pattern', () => {
    const resource = pod({
      containers: [{ name: 'a', image: 'a:1' }, { name: 'b' }],
    });
    expect(
      matchPattern(resource, { spec: { containers: [{ image: '?*' }] } }),
    ).toMatchObject({
      status: 'fail',
      path: '/spec/containers/1/image/',
    });
    expect(
      matchPattern(pod({ containers: [] }), {
        spec: { containers: [{ image: '?*' }] },
      }),
    ).toEqual({
      status: 'pass',
    });
  });

  it('checks every element of a list of scalars against the first pattern entry', () => {
    expect(matchPattern({ args: ['--a', '--b'] }, { args: ['--*'] })).toEqual({
      status: 'pass',
    });
    expect(
      matchPattern({ args: ['--a', 'x'] }, { args: ['--*', 'ignored'] }),
    ).toMatchObject({
      status: 'fail',
      path: '/args/',
    });
    expect(
      matchPattern(
        { args: ['--a', '--privileged'] },
        { args: '!--privileged' },
      ),
    ).toMatchObject({
      status: 'fail',
      path: '/args/',
    });
  });

  it('compares lists of lists index by index', () => {
    expect(matchPattern({ m: [['a'], ['b']] }, { m: [['a'], ['b']] })).toEqual({
      status: 'pass',
    });
    expect(matchPattern({ m: [['a']] }, { m: [['a'], ['b']] })).toMatchObject({
      status: 'fail',
      path: '/m/',
    });
  });

  describe('conditional anchor (key)', () => {
    const pattern = {
      spec: {
        containers: [
          { '(name)': 'model-*', resources: { limits: { memory: '?*' } } },
        ],
      },
    };

    it('applies the sibling fields only to matching elements', () => {
      const resource = pod({
        containers: [
          { name: 'queue-proxy' },
          { name: 'model-server', resources: { limits: { memory: '2Gi' } } },
        ],
      });
      expect(matchPattern(resource, pattern)).toEqual({ status: 'pass' });
    });

    it('fails a matching element that lacks the field', () => {
      expect(
        matchPattern(pod({ containers: [{ name: 'model-server' }] }), pattern),
      ).toMatchObject({
        status: 'fail',
        path: '/spec/containers/0/resources/',
      });
    });

    it('skips when no element satisfies the condition', () => {
      expect(
        matchPattern(pod({ containers: [{ name: 'queue-proxy' }] }), pattern),
      ).toMatchObject({
        status: 'skip',
      });
    });

    it('skips when the condition key is missing in a map', () => {
      const withOwner = {
        metadata: { labels: { '(tier)': 'gpu', owner: '?*' } },
      };
      expect(
        matchPattern(pod({}, { name: 'p', labels: {} }), withOwner),
      ).toEqual({
        status: 'skip',
        path: '/metadata/labels/',
        reason:
          "conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
      });
      // A missing parent map is a structure mismatch, not a condition.
      expect(matchPattern(pod({}, { name: 'p' }), withOwner)).toMatchObject({
        status: 'fail',
        path: '/metadata/labels/',
      });
    });
  });

  describe('global anchor <(key)', () => {
    const pattern = {
      spec: {
        containers: [{ '<(image)': 'registry.neuroscale.internal/*' }],
        imagePullSecrets: [{ name: 'regcred' }],
      },
    };
    it('requires the rest of the pattern when the condition holds', () => {
      const resource = pod({
        containers: [{ image: 'registry.neuroscale.internal/model:1' }],
      });
      expect(matchPattern(resource, pattern)).toMatchObject({
        status: 'fail',
        path: '/spec/imagePullSecrets/',
      });
    });
    it('skips the whole rule when the condition does not hold', () => {
      expect(
        matchPattern(
          pod({ containers: [{ image: 'docker.io/model:1' }] }),
          pattern,
        ),
      ).toMatchObject({
        status: 'skip',
        reason: expect.stringMatching(/^global anchor mismatch/),
      });
    });
    it('applies when any element satisfies the condition', () => {
      const resource = pod({
        containers: [
          { image: 'docker.io/sidecar:1' },
          { image: 'registry.neuroscale.internal/model:1' },
        ],
        imagePullSecrets: [{ name: 'regcred' }],
      });
      expect(matchPattern(resource, pattern)).toEqual({ status: 'pass' });
    });
  });

  describe('equality anchor =(key)', () => {
    const pattern = { spec: { '=(hostNetwork)': false } };
    it('passes when the key is absent', () => {
      expect(matchPattern(pod({}), pattern)).toEqual({ status: 'pass' });
    });
    it('checks the value when the key is present', () => {
      expect(matchPattern(pod({ hostNetwork: false }), pattern)).toEqual({
        status: 'pass',
      });
      expect(matchPattern(pod({ hostNetwork: true }), pattern)).toMatchObject({
        status: 'fail',
        path: '/spec/hostNetwork/',
      });
    });
  });

  describe('existence anchor ^(key)', () => {
    const pattern = {
      spec: { '^(containers)': [{ image: 'model-server:*' }] },
    };
    it('passes when at least one element matches', () => {
      expect(
        matchPattern(
          pod({
            containers: [{ image: 'sidecar:1' }, { image: 'model-server:2' }],
          }),
          pattern,
        ),
      ).toEqual({
        status: 'pass',
      });
    });
    it('fails when no element matches', () => {
      expect(
        matchPattern(pod({ containers: [{ image: 'sidecar:1' }] }), pattern),
      ).toMatchObject({
        status: 'fail',
        path: '/spec/containers/',
      });
    });
  });

  describe('negation anchor X(key)', () => {
    const pattern = { spec: { 'X(hostPID)': 'null' } };
    it('fails when the key is present', () => {
      expect(matchPattern(pod({ hostPID: true }), pattern)).toMatchObject({
        status: 'fail',
        path: '/spec/hostPID/',
      });
    });
    it('passes when the key is absent', () => {
      expect(matchPattern(pod({}), pattern)).toEqual({ status: 'pass' });
    });
  });

  it('lets a failed condition at the same level hide other anchor failures', () => {
    const pattern = { spec: { '(hostNetwork)': true, 'X(hostPID)': 'null' } };
    expect(
      matchPattern(pod({ hostNetwork: false, hostPID: true }), pattern),
    ).toMatchObject({ status: 'skip' });
    expect(
      matchPattern(pod({ hostNetwork: true, hostPID: true }), pattern),
    ).toMatchObject({
      status: 'fail',
      path: '/spec/hostPID/',
    });
  });

  it('expands wildcards in label keys to the resource key they match', () => {
    const pattern = { metadata: { labels: { 'app.kubernetes.io/*': '?*' } } };
    expect(
      matchPattern(
        pod({}, { name: 'p', labels: { 'app.kubernetes.io/name': 'web' } }),
        pattern,
      ),
    ).toEqual({
      status: 'pass',
    });
    expect(
      matchPattern(pod({}, { name: 'p', labels: { team: 'x' } }), pattern),
    ).toMatchObject({ status: 'fail' });
  });

  it('evaluates conditions before other anchors and fields', () => {
    const pattern = { metadata: { labels: { owner: '?*', '(tier)': 'gpu' } } };
    expect(
      matchPattern(pod({}, { name: 'p', labels: { tier: 'cpu' } }), pattern),
    ).toMatchObject({ status: 'skip' });
  });

  it('reports a type mismatch', () => {
    expect(
      matchPattern(
        { spec: { containers: 'oops' } },
        { spec: { containers: [{ name: '*' }] } },
      ),
    ).toMatchObject({
      status: 'fail',
      path: '/spec/containers/',
      reason:
        'validation rule failed at path /spec/containers/, resource does not satisfy the expected overlay pattern',
    });
  });
});
