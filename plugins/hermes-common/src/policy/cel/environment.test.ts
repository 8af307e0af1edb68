import {
  compileCel,
  CelCompileError,
  CelUnsupportedError,
} from './environment';
import { toCel } from './values';

const run = (expression: string, variables: Record<string, unknown> = {}) =>
  compileCel(expression).evaluate(toCel(variables) as Record<string, unknown>);

describe('compileCel', () => {
  it.each([
    [
      'macros over a Pod',
      'object.spec.containers.all(c, has(c.resources) && has(c.resources.limits))',
      true,
    ],
    ['whole numbers from YAML are CEL ints', 'object.spec.replicas == 3', true],
    ['has() on a missing field', 'has(object.spec.missing)', false],
    ['optional chaining', "object.?spec.?missing.orValue('none')", 'none'],
    [
      'map / filter',
      "object.spec.containers.filter(c, c.image.endsWith(':latest')).map(c, c.name)",
      ['b'],
    ],
    ['cel.bind', 'cel.bind(n, object.spec.containers.size(), n * 2)', 4n],
  ])('%s', (_, expression, expected) => {
    const object = {
      spec: {
        replicas: 3,
        containers: [
          {
            name: 'a',
            image: 'nginx:1.25',
            resources: { limits: { cpu: '1' } },
          },
          {
            name: 'b',
            image: 'nginx:latest',
            resources: { limits: { memory: '1Gi' } },
          },
        ],
      },
    };
    expect(run(expression, { object })).toEqual(expected);
  });

  it('uses RE2 for matches, so Go-only syntax such as (?i) works', () => {
    expect(run("'NGINX'.matches('(?i)^nginx$')")).toBe(true);
    expect(run("matches('abc', '^a')")).toBe(true);
  });

  it('refuses expressions that need the cluster or the network, naming why', () => {
    expect(() =>
      compileCel("resource.Get('v1', 'configmaps', 'ns', 'x')"),
    ).toThrow(
      new CelUnsupportedError(
        '',
        'the expression reads resources from the cluster (resource.Get/List)',
      ),
    );
    expect(() => compileCel("http.Get('https://example.com')")).toThrow(
      CelUnsupportedError,
    );
  });

  it('reports invalid CEL as a compile error naming the expression', () => {
    expect(() => compileCel('object.spec.(')).toThrow(CelCompileError);
    expect(() => compileCel('noSuchFunction(1)')).toThrow(/noSuchFunction/);
  });

  it('reports a missing field as an evaluation error', () => {
    expect(() =>
      run('object.spec.missing == 1', { object: { spec: {} } }),
    ).toThrow(/missing/);
  });
});
