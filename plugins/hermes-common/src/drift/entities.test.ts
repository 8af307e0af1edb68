import { entityFindingFilter, findingBelongsToEntity } from './entities';
import { DriftFinding } from './types';

const finding = (
  labels: Record<string, string>,
  namespace?: string,
): DriftFinding => ({
  fingerprint: 'fp',
  cluster: 'prod',
  resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'x' },
  labels,
  type: 'modified',
  changes: [],
  classification: 'unknown',
});

describe('entityFindingFilter', () => {
  it.each([
    [
      'kubernetes-id becomes its label',
      { 'backstage.io/kubernetes-id': 'scorer' },
      { labels: { 'backstage.io/kubernetes-id': 'scorer' } },
    ],
    [
      'a selector keeps only its equality terms',
      {
        'backstage.io/kubernetes-label-selector':
          'app=scorer, tier==api, env!=dev, team, !legacy',
      },
      { labels: { app: 'scorer', tier: 'api' } },
    ],
    [
      'the selector wins over the id, and the namespace is kept',
      {
        'backstage.io/kubernetes-id': 'ignored',
        'backstage.io/kubernetes-label-selector': 'app=scorer',
        'backstage.io/kubernetes-namespace': 'ml',
      },
      { labels: { app: 'scorer' }, namespace: 'ml' },
    ],
    ['an entity without workloads has none', {}, undefined],
  ])('%s', (_name, annotations, expected) => {
    expect(entityFindingFilter(annotations)).toEqual(expected);
  });

  it('never excludes a finding that belongs to the entity', () => {
    const annotations = {
      'backstage.io/kubernetes-label-selector': 'app=scorer,env!=dev,team',
      'backstage.io/kubernetes-namespace': 'ml',
    };
    const filter = entityFindingFilter(annotations)!;
    for (const f of [
      finding({ app: 'scorer', team: 'a' }, 'ml'),
      finding({ app: 'scorer', team: 'a', env: 'prod' }),
    ]) {
      expect(findingBelongsToEntity(f, annotations)).toBe(true);
      expect(
        Object.entries(filter.labels).every(([k, v]) => f.labels![k] === v),
      ).toBe(true);
    }
    expect(
      findingBelongsToEntity(
        finding({ app: 'scorer', env: 'dev', team: 'a' }, 'ml'),
        annotations,
      ),
    ).toBe(false);
  });
});
