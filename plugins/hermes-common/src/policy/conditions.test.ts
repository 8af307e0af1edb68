import { evaluateCondition, evaluateConditions } from './conditions';

// Operators as documented for deny conditions and preconditions
// (https://kyverno.io/docs/writing-policies/preconditions/#operators).
describe('evaluateCondition', () => {
  it.each([
    ['Equals', 'nginx:latest', '*:latest', true],
    ['Equals', 'nginx:1.27', '*:latest', false],
    ['Equals', 3, 3, true],
    ['Equals', '1Gi', '1024Mi', true],
    ['Equals', '60s', '1m', true],
    ['Equals', true, true, true],
    ['Equals', { a: 1 }, { a: 1 }, true],
    ['NotEquals', 'prod', 'dev', true],
    ['NotEquals', 'prod', 'pro?', false],
    ['In', 'prod', ['prod', 'staging'], true],
    ['In', ['prod', 'dev'], ['prod', 'staging'], false],
    ['NotIn', 'dev', ['prod', 'staging'], true],
    ['AnyIn', ['dev', 'prod'], ['prod', 'staging'], true],
    ['AnyIn', ['dev', 'qa'], ['prod', 'staging'], false],
    ['AnyIn', 'ghcr.io/x', ['ghcr.io/*'], true],
    ['AllIn', ['prod', 'staging'], ['prod', 'staging', 'dev'], true],
    ['AllIn', ['prod', 'qa'], ['prod', 'staging'], false],
    ['AnyNotIn', ['prod', 'qa'], ['prod', 'staging'], true],
    ['AnyNotIn', ['prod'], ['prod', 'staging'], false],
    ['AllNotIn', ['qa', 'dev'], ['prod', 'staging'], true],
    ['AllNotIn', ['qa', 'prod'], ['prod', 'staging'], false],
    ['GreaterThan', 5, 3, true],
    ['GreaterThan', '2Gi', '1Gi', true],
    ['GreaterThan', '90s', '1m', true],
    ['GreaterThanOrEquals', 3, 3, true],
    ['LessThan', '500m', '1', true],
    // "500m" is also a Go duration (500 minutes), and a number on the other side counts as seconds.
    ['LessThan', '500m', 1, false],
    ['Equals', '3', 3, false],
    ['Equals', null, null, false],
    ['NotEquals', null, 'x', false],
    ['GreaterThan', '1.10.0', '1.9.3', true],
    ['LessThanOrEquals', 4, 3, false],
    ['DurationGreaterThan', '2h', '90m', true],
    ['DurationLessThanOrEquals', '30m', '1h', true],
  ])('%s: %j vs %j is %s', (operator, key, value, expected) => {
    expect(evaluateCondition({ key, operator, value })).toBe(expected);
  });

  it('rejects an unknown operator by name', () => {
    expect(() =>
      evaluateCondition({ key: 1, operator: 'Bigger', value: 0 }),
    ).toThrow('unknown condition operator "Bigger"');
  });
});

describe('evaluateConditions', () => {
  const context = {
    request: { object: { metadata: { labels: { env: 'prod' } } } },
  };
  const isProd = {
    key: '{{ request.object.metadata.labels.env }}',
    operator: 'Equals',
    value: 'prod',
  };
  const isDev = {
    key: '{{ request.object.metadata.labels.env }}',
    operator: 'Equals',
    value: 'dev',
  };

  it.each([
    ['any holds when one holds', { any: [isDev, isProd] }, true],
    ['any fails when none holds', { any: [isDev] }, false],
    ['all needs every one', { all: [isProd, isDev] }, false],
    ['any and all both must hold', { any: [isProd], all: [isDev] }, false],
    ['legacy list means all', [isProd], true],
    ['empty block holds', {}, true],
  ])('%s', (_, conditions, expected) => {
    expect(evaluateConditions(conditions as any, context).holds).toBe(expected);
  });
});
