import { parseKubernetesYaml } from '../documents';
import { checkResources, checkResourcesAsync } from '../engine';
import { compilePolicies } from '../policies';
import {
  CelCompileError,
  compileCel,
  MAX_EXPRESSION_LENGTH,
} from './environment';
import { toCel } from './values';

const load = (text: string) => parseKubernetesYaml(text, 'test.yaml').objects;

const podText = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - {name: app, image: "shop/web:1.0"}
`;

/** A ValidatingPolicy whose one validation is `expression`, plus a harmless second policy. */
const policies = (expression: string, where = 'validations') => `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: hostile}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  ${
    where === 'variables'
      ? `variables:\n    - {name: v, expression: ${JSON.stringify(
          expression,
        )}}\n  validations:\n    - expression: "variables.v != null"`
      : `validations:\n    - expression: ${JSON.stringify(expression)}`
  }
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: benign}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
`;

const thousand = `[${Array.from({ length: 1000 }, (_, i) => i).join(',')}]`;

describe('hostile CEL expressions', () => {
  it.each([
    [
      'nested comprehensions over list literals',
      `${thousand}.map(a, ${thousand}.map(b, ${thousand}.map(c, a + b + c))).size() > 0`,
      /validations\[0\] ".*": evaluation took longer than 100 ms/,
    ],
    [
      'nested quantifiers that swallow errors (exists keeps going after one)',
      `${thousand}.exists(a, ${thousand}.exists(b, ${thousand}.exists(c, a + b + c < 0)))`,
      /evaluation took longer than 100 ms/,
    ],
    [
      'nested quantifiers whose steps build nothing (work counted per iteration)',
      `${thousand}.all(a, ${thousand}.all(b, ${thousand}.all(c, c >= 0 && !(a < 0))))`,
      /evaluation took longer than 100 ms/,
    ],
    [
      'a huge range',
      'lists.range(100000000).size() > 0',
      /lists\.range\(100000000\) would have 100000000 elements, more than the limit of 1048576/,
    ],
    [
      'ranges nested in a comprehension',
      'lists.range(100000).map(i, lists.range(100000).size()).size() > 0',
      /evaluation took longer than 100 ms/,
    ],
    [
      'a string doubled until it is enormous',
      "cel.bind(a, 'xxxxxxxxxxxxxxxx', cel.bind(b, a + a + a + a + a + a + a + a, cel.bind(c, b + b + b + b + b + b + b + b, cel.bind(d, c + c + c + c + c + c + c + c, cel.bind(e, d + d + d + d + d + d + d + d, cel.bind(f, e + e + e + e + e + e + e + e, cel.bind(g, f + f + f + f + f + f + f + f, g + g + g + g + g + g + g + g))))))).size() > 0",
      /a string built by the expression is larger than the limit/,
    ],
    [
      'string repetition through join',
      "lists.range(1000000).map(i, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx').join('').size() > 0",
      /larger than the limit|took longer/,
    ],
    [
      'a huge input to matches',
      "cel.bind(s, lists.range(1000000).map(i, 'aaaaaaaaaaaaaaa').join(''), lists.range(1000).all(i, !s.matches('b')))",
      /larger than the limit|took longer/,
    ],
    [
      'shared sublists that multiply when flattened',
      `cel.bind(l, lists.range(100000), cel.bind(m, [l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l], m.flatten().size() > 0))`,
      /larger than the limit|would have \d+ elements|took longer/,
    ],
    [
      'a split into a million pieces',
      "lists.range(1000000).map(i, 'a').join('').split('').size() > 0",
      /split would have|larger than the limit|took longer/,
    ],
    [
      'quadratic distinct over a large list',
      'lists.range(200000).distinct().size() > 0',
      /evaluation took longer than 100 ms/,
    ],
  ])(
    '%s: the rule errors naming policy and validation, quickly',
    (_, expression, expected) => {
      const compiled = compilePolicies(load(policies(expression)));
      expect(compiled.problems).toEqual([]);
      const started = performance.now();
      const results = checkResources(compiled.policies, load(podText), {
        limits: { timeoutMs: 100 },
      });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThan(1500);
      const hostile = results.find(r => r.policy === 'hostile')!;
      expect(hostile.result).toBe('error');
      expect(hostile.message).toMatch(
        /^policy "hostile", rule "hostile": validations\[0\]/,
      );
      expect(hostile.message).toMatch(expected);
      // The rest of the check goes on.
      expect(results.find(r => r.policy === 'benign')!.result).toBe('pass');
    },
  );

  it('names the variable whose expression ran over the budget', () => {
    const compiled = compilePolicies(
      load(
        policies(
          `${thousand}.map(a, ${thousand}.map(b, ${thousand}.map(c, c)))`,
          'variables',
        ),
      ),
    );
    const [hostile] = checkResources(compiled.policies, load(podText), {
      limits: { timeoutMs: 100 },
    });
    expect(hostile.result).toBe('error');
    expect(hostile.message).toMatch(/took longer than 100 ms/);
  });

  it('lets the server answer other requests while a hostile check runs', async () => {
    const compiled = compilePolicies(
      load(
        policies(
          `${thousand}.map(a, ${thousand}.map(b, ${thousand}.map(c, c))).size() > 0`,
        ),
      ),
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const resources = Array.from({ length: 4 }, () => load(podText)).flat();
    const results = await checkResourcesAsync(compiled.policies, resources, {
      limits: { timeoutMs: 100 },
    });
    clearInterval(timer);
    expect(results.filter(r => r.result === 'error')).toHaveLength(4);
    // Four rules of ~100 ms each, with a pause between them.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('applies the default budget when an expression is evaluated outside a check', () => {
    const started = performance.now();
    expect(() =>
      compileCel(
        `${thousand}.map(a, ${thousand}.map(b, ${thousand}.map(c, c))).size()`,
      ).evaluate({}),
    ).toThrow(/took longer than 500 ms/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('refuses an expression over the size limit, and one nested too deeply', () => {
    expect(() =>
      compileCel(`1 == ${'1 + '.repeat(MAX_EXPRESSION_LENGTH / 4)}1`),
    ).toThrow(/characters long, more than the limit of 32768/);
    expect(() =>
      compileCel(`${'('.repeat(300)}1${')'.repeat(300)} == 1`),
    ).toThrow(CelCompileError);
    expect(() => compileCel(`${'!'.repeat(20000)}true`)).toThrow(
      /nested too deeply|maxDepth/,
    );
    expect(() =>
      compileCel(`size(${'['.repeat(300)}${']'.repeat(300)}) == 1`),
    ).toThrow(/maxDepth/);
  });

  it('still evaluates ordinary expressions over the same functions', () => {
    const run = (e: string) =>
      compileCel(e).evaluate(toCel({}) as Record<string, unknown>);
    expect(run("'a,b,c'.split(',')")).toEqual(['a', 'b', 'c']);
    expect(run("'a,b,c'.split(',', 2)")).toEqual(['a', 'b,c']);
    expect(run("'a,b,'.split(',', 3)")).toEqual(['a', 'b', '']);
    expect(run("'abc'.split('', 2)")).toEqual(['a', 'bc']);
    expect(run("'abc'.split(',', 1)")).toEqual(['abc']);
    expect(run('lists.range(3).map(i, [i, i]).flatten()')).toEqual([
      0n,
      0n,
      1n,
      1n,
      2n,
      2n,
    ]);
    expect(run("['b', 'a', 'b'].distinct().sort()")).toEqual(['a', 'b']);
    expect(run("'aXbX'.replace('X', 'yy')")).toBe('ayybyy');
  });
});
