import { imagesOf, parseImage } from './images';
import { substituteVariables, VariableError } from './variables';

const context = {
  request: {
    operation: 'CREATE',
    object: {
      metadata: {
        name: 'web',
        labels: { 'app.kubernetes.io/name': 'shop', tier: 'gold' },
      },
      spec: { replicas: 3, containers: [{ name: 'a', image: 'nginx:1.27' }] },
    },
  },
};

describe('substituteVariables', () => {
  it.each([
    [
      'a whole-string variable keeps its type',
      '{{ request.object.spec.replicas }}',
      3,
    ],
    [
      'interpolation makes text',
      'replicas={{ request.object.spec.replicas }}',
      'replicas=3',
    ],
    [
      'objects interpolate as JSON',
      'x{{ request.object.metadata.labels }}',
      'x{"app.kubernetes.io/name":"shop","tier":"gold"}',
    ],
    [
      'quoted keys',
      '{{ request.object.metadata.labels."app.kubernetes.io/name" }}',
      'shop',
    ],
    [
      'defaults with ||',
      "{{ request.object.metadata.labels.missing || 'none' }}",
      'none',
    ],
    [
      'escaped braces stay literal',
      '\\{{ not.a.variable }}',
      '{{ not.a.variable }}',
    ],
    [
      'Kyverno functions',
      "{{ to_upper(request.object.metadata.name) }}-{{ truncate('abcdef', `3`) }}",
      'WEB-abc',
    ],
    [
      'regex_match',
      "{{ regex_match('^nginx:', request.object.spec.containers[0].image) }}",
      true,
    ],
    [
      'pattern_match',
      "{{ pattern_match('nginx:*', request.object.spec.containers[0].image) }}",
      true,
    ],
    [
      'label_match',
      '{{ label_match(`{"tier":"gold"}`, request.object.metadata.labels) }}',
      true,
    ],
    ['arithmetic', '{{ add(request.object.spec.replicas, `2`) }}', 5],
    ['semver_compare', "{{ semver_compare('1.27.3', '>=1.20.0') }}", true],
    ['base64', "{{ base64_decode(base64_encode('héllo')) }}", 'héllo'],
  ])('%s', (_, input, expected) => {
    expect(substituteVariables(input, context)).toEqual(expected);
  });

  it('substitutes inside maps, lists and keys', () => {
    expect(
      substituteVariables(
        { '{{ request.operation }}': ['{{ request.object.metadata.name }}'] },
        context,
      ),
    ).toEqual({
      CREATE: ['web'],
    });
  });

  it('refuses a field that does not exist, naming the variable', () => {
    expect(() =>
      substituteVariables(
        '{{ request.object.metadata.labels.missing }}',
        context,
      ),
    ).toThrow(VariableError);
    expect(() =>
      substituteVariables(
        '{{ request.object.metadata.labels.missing }}',
        context,
      ),
    ).toThrow(
      'variable "{{ request.object.metadata.labels.missing }}" could not be resolved: no such field',
    );
  });

  it('does not let a variable span lines', () => {
    expect(
      substituteVariables('{{ a\n}} {{ request.operation }}', context),
    ).toBe('{{ a\n}} CREATE');
  });

  it('scans a long line of unclosed braces in linear time', () => {
    const text = `${'{{'.repeat(100_000)} x`;
    const started = performance.now();
    expect(substituteVariables(text, context)).toBe(text);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('names invalid JMESPath', () => {
    expect(() =>
      substituteVariables('{{ request.object..name }}', context),
    ).toThrow(/is not valid JMESPath/);
  });
});

describe('images', () => {
  it.each([
    [
      'nginx',
      {
        registry: 'docker.io',
        path: 'library/nginx',
        name: 'nginx',
        tag: 'latest',
        digest: '',
      },
    ],
    [
      'nginx:1.27',
      { registry: 'docker.io', path: 'library/nginx', tag: '1.27' },
    ],
    [
      'ghcr.io/neuroscale/xgb:0.14.1',
      {
        registry: 'ghcr.io',
        path: 'neuroscale/xgb',
        name: 'xgb',
        tag: '0.14.1',
      },
    ],
    [
      'registry.local:5000/team/model',
      { registry: 'registry.local:5000', path: 'team/model', tag: 'latest' },
    ],
    ['busybox@sha256:abc', { name: 'busybox', tag: '', digest: 'sha256:abc' }],
  ])('parses %s', (image, expected) => {
    expect(parseImage(image)).toMatchObject(expected);
  });

  it('indexes images by container kind and name, for Pods and controllers', () => {
    expect(
      imagesOf({
        spec: {
          template: {
            spec: { initContainers: [{ name: 'init', image: 'busybox:1' }] },
          },
        },
      }),
    ).toEqual({
      initContainers: {
        init: expect.objectContaining({ name: 'busybox', tag: '1' }),
      },
    });
  });
});

describe('nested variables', () => {
  it.each([
    [
      'an inner variable as a function argument, resolved first; the outer keeps its type',
      "{{ regex_match('^w[a-z]+$', '{{ request.object.metadata.name }}') }}",
      true,
    ],
    [
      'nested inside text',
      "name={{ to_upper('{{ request.object.metadata.name }}') }}!",
      'name=WEB!',
    ],
    [
      'two inner variables in one call',
      "{{ join('-', ['{{ request.object.metadata.name }}', '{{ request.object.metadata.labels.tier }}']) }}",
      'web-gold',
    ],
    [
      'a number from the inner variable is text in the outer expression',
      '{{ to_string(`{{ request.object.spec.replicas }}`) }}',
      '3',
    ],
    [
      'an escaped variable next to a nested one stays literal',
      "\\{{ kept }} {{ to_upper('{{ request.object.metadata.name }}') }}",
      '{{ kept }} WEB',
    ],
  ])('%s', (_, text, expected) => {
    expect(substituteVariables(text, context)).toEqual(expected);
  });

  it('reports an inner variable that cannot be resolved', () => {
    expect(() =>
      substituteVariables(
        "{{ to_upper('{{ request.object.metadata.missing }}') }}",
        context,
      ),
    ).toThrow(VariableError);
  });

  it('stops when resolved values keep producing variables', () => {
    const looping = {
      request: { object: { metadata: { name: "{{ '{{' }}" } } },
    };
    const started = performance.now();
    expect(() =>
      substituteVariables(
        "{{ to_upper('{{ request.object.metadata.name }}') }}",
        looping,
      ),
    ).not.toThrow(RangeError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
