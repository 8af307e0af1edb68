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
