import { compileCel } from './environment';
import {
  MAX_PARSED_DEPTH,
  MAX_PARSED_TEXT,
  MAX_PRECISE_YAML_TEXT,
} from './jsonYaml';
import { fromCel } from './values';
import { RuleAbortedError } from '../limits';

const run = (expression: string, variables: Record<string, unknown> = {}) =>
  fromCel(compileCel(expression).evaluate(variables));

describe("Kyverno's json and yaml libraries", () => {
  it.each([
    ['json.unmarshal(\'{"a": {"b": [1, 2]}}\').a.b', [1, 2]],
    // Whole numbers are ints, as in a resource: int arithmetic works on them.
    ['json.unmarshal(\'{"replicas": 3}\').replicas + 1', 4],
    ['json.unmarshal(\'{"ratio": 0.5}\').ratio * 2.0', 1],
    ['json.unmarshal(\'[true, null, "x"]\')', [true, null, 'x']],
    ['json.unmarshal(\'"text"\')', 'text'],
    ["json.unmarshal('{\"a\": 1}').?b.orValue('none')", 'none'],
    [
      "json.marshal({'b': 1, 'a': [true, null, 'x']})",
      '{"a":[true,null,"x"],"b":1}',
    ],
    // Go's encoder escapes HTML characters.
    ["json.marshal('<a&b>')", '"\\u003ca\\u0026b\\u003e"'],
    ['json.marshal(2.5)', '2.5'],
    ['json.marshal(json.unmarshal(\'{"z":1,"a":2}\'))', '{"a":2,"z":1}'],
    ["yaml.parse('a: 1\\nb: [x, y]\\n')", { a: 1, b: ['x', 'y'] }],
    ["yaml.parse('replicas: 2').replicas * 2", 4],
    ["yaml.parse('- a\\n- b').size()", 2],
    ["yaml.parse('')", null],
    ["yaml.parse('enabled: true').enabled", true],
    ["yaml.parse('base: &b {cpu: 1}\\nlimits: *b').limits.cpu", 1],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it('reads a value from the resource being checked', () => {
    const object = {
      metadata: {
        annotations: { config: '{"tier": "gold", "ports": [80, 443]}' },
      },
    };
    expect(
      run(
        'json.unmarshal(object.metadata.annotations.config).ports.exists(p, p == 443)',
        { object },
      ),
    ).toBe(true);
  });

  it.each([
    ["json.unmarshal('{bad')", /^json\.unmarshal: .*JSON/],
    ["json.unmarshal('')", /^json\.unmarshal: /],
    ["yaml.parse('a: [')", /^yaml\.parse: .*line 1/],
    ["yaml.parse('a: 1\\na: 2')", /^yaml\.parse: Map keys must be unique/],
    ["yaml.parse('a: 1\\n---\\nb: 2')", /^yaml\.parse: .*2 documents/],
    ["yaml.parse('a: &x 1\\nb: [')", /^yaml\.parse: .*line 2/],
  ])('%s fails naming the function', (expression, message) => {
    expect(() => run(expression)).toThrow(message);
  });

  it('refuses a text longer than the limit before parsing it', () => {
    const text = `[${'1,'.repeat(MAX_PARSED_TEXT / 2)}1]`;
    expect(() => run('json.unmarshal(t)', { t: text })).toThrow(
      new RuleAbortedError(
        `json.unmarshal: the text is ${text.length} characters long, more than the limit of ${MAX_PARSED_TEXT}`,
      ),
    );
    expect(() => run('yaml.parse(t)', { t: text })).toThrow(
      /yaml\.parse: the text is \d+ characters long/,
    );
  });

  it('reads plain YAML beyond the limit for aliased lists and maps, which it refuses there', () => {
    const items = 6000;
    const list = '- item\n'.repeat(items);
    expect(list.length).toBeGreaterThan(MAX_PRECISE_YAML_TEXT);
    expect(run('yaml.parse(t).size()', { t: list })).toBe(items);
    // An aliased scalar cannot multiply anything: that text is read quickly at any length.
    const scalarAlias = `a: &a x\nb: *a\nc:\n${list.replace(/^/gm, '  ')}`;
    expect(run('yaml.parse(t).b', { t: scalarAlias })).toBe('x');
    const anchored = `a: &a [x]\nb: *a\nc:\n${list.replace(/^/gm, '  ')}`;
    expect(() => run('yaml.parse(t)', { t: anchored })).toThrow(
      new RuleAbortedError(
        `yaml.parse: the text uses anchors, tags or directives, or is not valid YAML, and is ${anchored.length} characters long, more than the limit of ${MAX_PRECISE_YAML_TEXT} for such text`,
      ),
    );
    // The same shape, short enough for the precise reader.
    expect(
      run('yaml.parse(t).c.size() == 200 && yaml.parse(t).b == ["x"]', {
        t: `a: &a [x]\nb: *a\nc:\n${'  - item\n'.repeat(200)}`,
      }),
    ).toBe(true);
  });

  it('stops a YAML alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(
        `${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const started = performance.now();
    expect(() => run('yaml.parse(t)', { t: lines.join('\n') })).toThrow(
      new RuleAbortedError(
        'yaml.parse: Excessive alias count indicates a resource exhaustion attack',
      ),
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    [
      'json.unmarshal',
      `${'['.repeat(20000)}${']'.repeat(20000)}`,
      `the value is nested more than ${MAX_PARSED_DEPTH} levels deep`,
    ],
    [
      'yaml.parse',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      'the text is nested too deeply',
    ],
  ])('%s turns deep nesting into an error for the rule', (fn, text, why) => {
    const started = performance.now();
    expect(() => run(`${fn}(t)`, { t: text })).toThrow(
      expect.objectContaining({
        name: 'RuleAbortedError',
        message: `${fn}: ${why}`,
      }),
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps a __proto__ key an ordinary key', () => {
    expect(
      run('json.unmarshal(t).__proto__.polluted', {
        t: '{"__proto__": {"polluted": true}}',
      }),
    ).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to marshal a value that is not data', () => {
    expect(() => run("json.marshal(image('nginx'))")).toThrow(
      /json\.marshal: cannot marshal/,
    );
  });
});
