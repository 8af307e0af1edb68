import { Entity } from '@backstage/catalog-model';
import { describeEntity } from './catalog';

describe('describeEntity', () => {
  it("leaves out annotations that name the server's files", () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'scorer',
        annotations: {
          'backstage.io/managed-by-location':
            'url:https://git.example.com/ml/scorer/blob/main/catalog-info.yaml',
          'backstage.io/managed-by-origin-location':
            'file:/srv/backstage/catalog/all.yaml',
          'backstage.io/source-location': 'file:/home/deploy/scorer/',
          'example.com/runbook': ' FILE:/etc/hermes/runbook.md',
          'backstage.io/kubernetes-id': 'scorer',
          'backstage.io/techdocs-ref': 'dir:.',
        },
      },
      spec: { owner: 'group:default/ranking' },
    };
    expect(describeEntity(entity).annotations).toEqual({
      'backstage.io/kubernetes-id': 'scorer',
      'backstage.io/techdocs-ref': 'dir:.',
    });
  });
});
