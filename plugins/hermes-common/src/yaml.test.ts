import fs from 'node:fs';
import path from 'node:path';
import { isRead, parseYamlDocuments, quickYamlDocuments } from './yaml';

/** What the positional parser reads: each non-empty document's data and its first line. */
function precisely(text: string) {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  return parseYamlDocuments(text).flatMap(doc => {
    const value = doc.toJS();
    if (value === null || value === undefined) return [];
    return [
      {
        value,
        line: lineOf(
          (doc.contents as { range?: number[] } | null)?.range?.[0] ?? 0,
        ),
      },
    ];
  });
}

/** The quick reader's documents, with those it leaves read by the positional parser. */
function quicklyThenPrecisely(text: string) {
  const quick = quickYamlDocuments(text);
  if (!quick) return precisely(text);
  return quick.flatMap(doc =>
    isRead(doc)
      ? [doc]
      : precisely(doc.text).map(({ value, line }) => ({
          value,
          line: line + doc.line - 1,
        })),
  );
}

/** The documents the quick reader read itself; it must have read them all. */
function allQuick(text: string) {
  const quick = quickYamlDocuments(text);
  expect(quick).toBeDefined();
  expect(quick!.filter(doc => !isRead(doc))).toEqual([]);
  return quick;
}

function yamlFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

describe('quickYamlDocuments', () => {
  const examples = path.resolve(__dirname, '../../../examples');

  it.each(yamlFiles(examples).map(f => [path.relative(examples, f), f]))(
    'reads %s as the positional parser does',
    (_, file) => {
      const text = fs.readFileSync(file, 'utf8');
      expect(quicklyThenPrecisely(text)).toEqual(precisely(text));
    },
  );

  it.each([
    [
      'scalars of YAML 1.2 core',
      'a: 014\nb: 0o14\nc: 0x1F\nd: yes\ne: ~\nf: 2026-11-30\ng: .inf\nh: "1"\ni: 1e3\n',
    ],
    [
      'markers, comments and empty documents',
      '# head\n---\n\n---\n# c\nkind: A\n...\n---   # note\nkind: B\n---\n',
    ],
    ['Windows line ends', 'kind: A\r\n---\r\nkind: B\r\n'],
    ['block scalars with marker-like lines', 'a: |\n  ---\n  x\nb: >\n  ...\n'],
    ['flow collections', 'a: [1, {b: c}]\nd: {e: [f]}\n'],
    ['a __proto__ key', '__proto__:\n  polluted: true\n'],
    ['keys that are not strings', '1: a\ntrue: b\n'],
    [
      'CEL expressions',
      "expression: >-\n  !has(object.spec.hostPID) && object.x != 'y'\nother: '!(a) && b'\n",
    ],
    ['a shell command', 'command: [sh, -c, test -f x && ! grep -q y z]\n'],
    ['an anchor no alias uses', 'a: &x [1]\nb: 2\n'],
    [
      'tags of the core schema',
      'a: !!str 123\nb: ! 12\nc: !!int "5"\nd: !!map {e: f}\n',
    ],
  ])('agrees with the positional parser on %s', (_, text) => {
    expect(allQuick(text)).toEqual(precisely(text));
  });

  it('leaves a __proto__ key an own property', () => {
    const [{ value }] = allQuick('__proto__:\n  polluted: true\n') as Array<{
      value: unknown;
    }>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each([
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    [
      'an alias (alias bombs are bounded by the positional parser)',
      'a: &x [1]\nb: *x\n',
    ],
    ['a tag outside the core schema', 'a: !!binary aGVsbG8=\n'],
    ['a signed hex number (a string in YAML 1.2 core)', 'a: -0x1F\n'],
    ['a binary number (a string in YAML 1.2 core)', 'a: 0b101\n'],
    ['a null key ("" for the positional parser)', 'a:\n  null: c\n'],
  ])(
    'leaves a document with %s to the positional parser, and only that one',
    (_, text) => {
      const before = 'kind: A\nb: [1, 2]\n';
      const after = 'kind: C\n';
      expect(quickYamlDocuments(`${before}---\n${text}---\n${after}`)).toEqual([
        { value: { kind: 'A', b: [1, 2] }, line: 1 },
        { text: text.slice(0, -1), line: 4 },
        { value: { kind: 'C' }, line: 5 + text.split('\n').length - 1 },
      ]);
    },
  );

  it.each([
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['content on a document marker', '--- {a: 1}\n'],
  ])('leaves a text with %s to the positional parser whole', (_, text) => {
    expect(quickYamlDocuments(text)).toBeUndefined();
  });
});
