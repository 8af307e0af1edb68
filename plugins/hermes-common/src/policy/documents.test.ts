import { parseKubernetesYaml } from './documents';

describe('parseKubernetesYaml', () => {
  it('reads multi-document YAML and expands Lists, keeping the line of each document', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: b }',
      '',
    ].join('\n---\n');
    const { objects, problems } = parseKubernetesYaml(text, 'x.yaml');
    expect(problems).toEqual([]);
    expect(
      objects.map(o => [o.object.kind, o.object.metadata.name, o.line]),
    ).toEqual([
      ['ConfigMap', 'a', 1],
      ['Secret', 'b', 5],
    ]);
  });

  it('passes over kustomizations in a GitOps tree: build instructions, not objects', () => {
    const text = [
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }',
    ].join('\n---\n');
    const { objects, problems } = parseKubernetesYaml(
      text,
      'kustomization.yaml',
    );
    expect(problems).toEqual([]);
    expect(objects.map(o => o.object.kind)).toEqual(['ConfigMap']);
  });

  it('names the file, line and column of malformed YAML and keeps the other documents', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\napiVersion: v1\nkind: [unclosed\n';
    const { objects, problems } = parseKubernetesYaml(text, 'bad.yaml');
    expect(objects).toHaveLength(1);
    expect(problems).toEqual([
      {
        source: 'bad.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.stringMatching(/^invalid YAML/),
      },
    ]);
    expect(problems[0].line).toBeGreaterThanOrEqual(6);
  });

  it('reads every other document of a file quickly when one is malformed, naming the line in the file', () => {
    const pod = (name: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name} }\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      command: [sh, -c, "test -f /ready && exec serve"]\n`;
    const text = [
      pod('first'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: twice }\ndata:\n  a: "1"\n  a: "2"\n',
      pod('last'),
    ].join('---\n');
    const { objects, problems } = parseKubernetesYaml(text, 'mixed.yaml');
    expect(objects.map(o => [o.object.metadata.name, o.line])).toEqual([
      ['first', 1],
      ['last', 17],
    ]);
    expect(objects[1].object.spec).toEqual({
      containers: [
        {
          name: 'c',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'test -f /ready && exec serve'],
        },
      ],
    });
    expect(problems).toEqual([
      {
        source: 'mixed.yaml',
        line: 15,
        column: 3,
        message: 'invalid YAML: Map keys must be unique at line 15, column 3',
      },
    ]);
  });

  it.each([
    [
      'a scalar document',
      'just text',
      /^not a Kubernetes object: the document is not a map$/,
    ],
    [
      'no kind',
      'apiVersion: v1\nmetadata: { name: x }',
      /^not a Kubernetes object: missing kind$/,
    ],
    [
      'no apiVersion',
      'kind: Pod\nmetadata: { name: x }',
      /^not a Kubernetes object: missing apiVersion$/,
    ],
    [
      'no name',
      'apiVersion: v1\nkind: Pod\nmetadata: {}',
      /^not a Kubernetes object: Pod has no metadata\.name$/,
    ],
    [
      'duplicate keys',
      'apiVersion: v1\nkind: Pod\nkind: Service\nmetadata: { name: x }',
      /invalid YAML: Map keys must be unique/,
    ],
  ])('rejects %s with a clear message', (_, text, message) => {
    const { objects, problems } = parseKubernetesYaml(text, 'f.yaml');
    expect(objects).toEqual([]);
    expect(problems[0].message).toMatch(message);
  });

  it('finds a duplicate key among 40,000 in linear time, naming file and line', () => {
    const lines = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: big }',
    ];
    lines.push(
      'data:',
      ...Array.from({ length: 40_000 }, (_, i) => `  k${i}: v`),
    );
    lines.push('  k7: again');
    const started = performance.now();
    const { objects, problems } = parseKubernetesYaml(
      lines.join('\n'),
      'big.yaml',
    );
    // Quadratic checking took 25 s here; linear takes well under a second.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(objects).toEqual([]);
    expect(problems).toEqual([
      {
        source: 'big.yaml',
        line: lines.length,
        column: 3,
        message: `invalid YAML: Map keys must be unique at line ${lines.length}, column 3`,
      },
    ]);
  }, 30_000);

  it('finds duplicate keys in flow maps and in nested maps', () => {
    const { problems } = parseKubernetesYaml(
      'apiVersion: v1\nkind: Pod\nmetadata: { name: x, labels: { a: "1", a: "2" } }',
      'flow.yaml',
    );
    expect(problems).toEqual([
      {
        source: 'flow.yaml',
        line: 3,
        column: 40,
        message: 'invalid YAML: Map keys must be unique at line 3, column 40',
      },
    ]);
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: bomb }',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    const { objects, problems } = parseKubernetesYaml(bomb, 'bomb.yaml');
    expect(objects).toEqual([]);
    expect(problems[0].message).toMatch(/^refused: .*alias/i);
  });

  it('refuses files over the size limit before parsing', () => {
    const { problems } = parseKubernetesYaml('x'.repeat(2000), 'big.yaml', {
      maxBytes: 1000,
    });
    expect(problems).toEqual([
      {
        source: 'big.yaml',
        message: 'file is 2000 bytes, over the limit of 1000 bytes; refused',
      },
    ]);
  });

  it('counts UTF-8 bytes, not characters, against the size limit', () => {
    // 400 characters: 100 ASCII, 100 of two bytes, 100 of three, 50 pairs of four.
    const text = `${'a'.repeat(100)}${'é'.repeat(100)}${'€'.repeat(
      100,
    )}${'😀'.repeat(50)}`;
    expect(
      parseKubernetesYaml(text, 'u.yaml', { maxBytes: 799 }).problems[0]
        ?.message,
    ).toBe('file is 800 bytes, over the limit of 799 bytes; refused');
    expect(
      parseKubernetesYaml(`${text}\ud800`, 'u.yaml', { maxBytes: 802 })
        .problems[0]?.message,
    ).toBe('file is 803 bytes, over the limit of 802 bytes; refused');
  });

  it('keeps __proto__ keys as data, never as prototypes', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  __proto__: { polluted: true }\ndata:\n  constructor: { prototype: { polluted: true } }';
    const { objects } = parseKubernetesYaml(text, 'p.yaml');
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(objects[0].object.metadata)).toBe(
      Object.prototype,
    );
    expect(
      Object.prototype.hasOwnProperty.call(
        objects[0].object.metadata,
        '__proto__',
      ),
    ).toBe(true);
  });
});
