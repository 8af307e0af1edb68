import { toCel } from './values';

describe('toCel', () => {
  it('gives whole numbers as CEL ints and keeps the rest as they are', () => {
    expect(
      toCel({ replicas: 3, ratio: 0.5, name: 'web', ok: true, none: null }),
    ).toEqual({ replicas: 3n, ratio: 0.5, name: 'web', ok: true, none: null });
  });

  it('converts a subtree shared many times (YAML aliases) once, not once per path', () => {
    // 40 levels of two references to the level below: 2^40 paths, 41 objects.
    let node: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) node = { a: node, b: node };
    const converted = toCel(node) as Record<string, any>;
    expect(converted.a).toBe(converted.b);
    let deepest = converted;
    while (deepest.a) deepest = deepest.a;
    expect(deepest).toEqual({ leaf: 1n });
  });

  it('gives an object reached twice the same value at both places', () => {
    const probe = { port: 8080, path: '/ready' };
    const converted = toCel({
      readinessProbe: probe,
      livenessProbe: probe,
    }) as Record<string, unknown>;
    expect(converted.readinessProbe).toEqual({ port: 8080n, path: '/ready' });
    expect(converted.livenessProbe).toEqual(converted.readinessProbe);
  });

  it('keeps a __proto__ key an ordinary key', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "x": 2}');
    const converted = toCel(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.keys(converted)).toEqual(['__proto__', 'x']);
    expect(
      Object.getOwnPropertyDescriptor(converted, '__proto__')?.value,
    ).toEqual({ polluted: 1n });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('converts an object once: every rule on a resource sees the same value', () => {
    const object = { spec: { containers: [{ name: 'a' }] } };
    expect(toCel(object)).toBe(toCel(object));
  });
});
