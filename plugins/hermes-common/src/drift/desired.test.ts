import { loadDesiredState, memoryFileTree } from './desired';

const memoryTree = (files: Record<string, string>) =>
  memoryFileTree(new Map(Object.entries(files)));

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n`;

describe('loadDesiredState', () => {
  it('reads every YAML file of a plain directory', async () => {
    const state = await loadDesiredState(
      memoryTree({
        'a.yaml': cm('a'),
        'sub/b.yml': cm('b'),
        'README.md': '# x',
      }),
    );
    expect(state.objects.map(o => o.object.metadata.name)).toEqual(['a', 'b']);
    expect(state.warnings).toEqual([]);
  });

  it('follows kustomization resources, applies its namespace, and warns about what it cannot render', async () => {
    const state = await loadDesiredState(
      memoryTree({
        'clusters/prod/kustomization.yaml':
          'resources: [../../apps/shop, ../../policy.yaml, github.com/org/repo//base?ref=v1]\n',
        'apps/shop/kustomization.yaml':
          'namespace: shop\nresources: [cm.yaml, missing.yaml]\nimages: [{ name: x, newTag: "2" }]\n',
        'apps/shop/cm.yaml': cm('settings'),
        'apps/shop/ignored.yaml': cm('not-listed'),
        'policy.yaml':
          'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: { name: p }\n',
        'charts/x/Chart.yaml': 'name: x',
      }),
      'clusters/prod',
    );
    expect(
      state.objects.map(o => [
        o.object.kind,
        o.object.metadata.namespace,
        o.object.metadata.name,
      ]),
    ).toEqual([
      ['ConfigMap', 'shop', 'settings'],
      ['ClusterPolicy', undefined, 'p'],
    ]);
    expect(state.warnings).toEqual([
      'apps/shop/kustomization.yaml: kustomize "images" is not applied; the audit compares the resources as written',
      'clusters/prod/kustomization.yaml: remote resource "github.com/org/repo//base?ref=v1" is not fetched; its objects are not audited',
    ]);
    expect(state.problems).toEqual([
      {
        source: 'apps/shop/missing.yaml',
        message: 'file listed in a kustomization does not exist',
      },
    ]);
  });

  it('warns about Helm charts instead of dropping them silently', async () => {
    const state = await loadDesiredState(
      memoryTree({
        'charts/x/Chart.yaml': 'name: x',
        'charts/x/values.yaml': 'a: 1',
      }),
    );
    expect(state.objects).toEqual([]);
    expect(state.warnings).toEqual([
      'charts/x: a Helm chart is not rendered outside Argo CD; its resources are not audited',
    ]);
  });
});

describe('loadDesiredState paths', () => {
  it('reports a kustomization resource that climbs out of the tree instead of misreading it', async () => {
    const files = {
      'app/kustomization.yaml': 'resources: [../../elsewhere]\n',
    };
    const tree = {
      read: async (p: string) => (files as Record<string, string>)[p],
      list: async (p: string) =>
        p === 'app'
          ? [{ name: 'kustomization.yaml', directory: false }]
          : undefined,
    };
    const state = await loadDesiredState(tree, 'app');
    expect(state.problems).toEqual([
      {
        source: 'app/kustomization.yaml',
        message:
          'resource "../../elsewhere" points outside the directory being audited',
      },
    ]);
  });
});

describe('loadDesiredState cycles', () => {
  it.each([
    [
      'a kustomization that lists itself',
      {
        'a/kustomization.yaml': 'resources: [cm.yaml, .]\n',
        'a/cm.yaml': cm('a'),
      },
      'a',
      [
        {
          source: 'a/kustomization.yaml',
          message: 'kustomization cycle: a -> a',
        },
      ],
    ],
    [
      'two kustomizations that list each other',
      {
        'a/kustomization.yaml': 'resources: [cm.yaml, ../b]\n',
        'a/cm.yaml': cm('a'),
        'b/kustomization.yaml': 'resources: [../a, cm.yaml]\n',
        'b/cm.yaml': cm('b'),
      },
      'a',
      [
        {
          source: 'b/kustomization.yaml',
          message: 'kustomization cycle: a -> b -> a',
        },
      ],
    ],
    [
      'a kustomization that lists the plain folder holding it',
      {
        'apps/shop/kustomization.yaml': 'resources: [.., cm.yaml]\n',
        'apps/shop/cm.yaml': cm('shop'),
        'apps/a.yaml': cm('a'),
      },
      '',
      [
        {
          source: 'apps/shop/kustomization.yaml',
          message: 'kustomization cycle: apps -> apps/shop -> apps',
        },
      ],
    ],
  ])(
    'reports %s as a cycle and reads everything once',
    async (_, files, root, problems) => {
      const state = await loadDesiredState(memoryTree(files), root);
      expect(state.problems).toEqual(problems);
      const names = state.objects.map(o => o.object.metadata.name).sort();
      expect(names).toEqual([...new Set(names)]);
      expect(names.length).toBeGreaterThan(0);
    },
  );

  it('reads a base shared by two kustomizations without calling it a cycle', async () => {
    const state = await loadDesiredState(
      memoryTree({
        'kustomization.yaml': 'resources: [a, b]\n',
        'a/kustomization.yaml': 'resources: [../base]\n',
        'b/kustomization.yaml': 'resources: [../base]\n',
        'base/cm.yaml': cm('base'),
      }),
    );
    expect(state.problems).toEqual([]);
    expect(state.objects.map(o => o.object.metadata.name)).toEqual(['base']);
  });

  it('reads each folder once, so bases shared level after level take linear time', async () => {
    // Every level lists the next one twice over: read naively, 2^40 visits.
    const files: Record<string, string> = { 'l40/cm.yaml': cm('deepest') };
    for (let i = 0; i < 40; i++) {
      files[`l${i}/kustomization.yaml`] = `resources: [../l${i + 1}, ../m${
        i + 1
      }]\n`;
      files[`m${i + 1}/kustomization.yaml`] = `resources: [../l${i + 1}]\n`;
    }
    const state = await loadDesiredState(memoryTree(files), 'l0');
    expect(state.problems).toEqual([]);
    expect(state.objects.map(o => o.object.metadata.name)).toEqual(['deepest']);
  });
});

describe('loadDesiredState encodings', () => {
  it('reads a manifest with invalid UTF-8, warning with the file and the byte offset', async () => {
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode(`${cm('caf')}data: { name: caf`),
      0xe9,
      ...new TextEncoder().encode(' }\n'),
    ]);
    const tree = memoryFileTree(
      new Map<string, string | Uint8Array>([
        ['apps/cm.yaml', latin1],
        ['apps/ok.yaml', new TextEncoder().encode(cm('ok'))],
      ]),
    );
    const state = await loadDesiredState(tree, 'apps');
    expect(state.objects.map(o => o.object.metadata.name)).toEqual([
      'caf',
      'ok',
    ]);
    expect(state.warnings).toEqual([
      `apps/cm.yaml: invalid UTF-8 at byte ${latin1.indexOf(
        0xe9,
      )}; read as U+FFFD`,
    ]);
  });
});
