import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DriftFinding,
  findingBelongsToEntity,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@hermes-backstage/plugin-hermes-common';

/**
 * The catalog entities that map to workloads (they carry the Kubernetes plugin's id or label
 * selector annotation), as `credentials` may see them.
 */
export async function workloadEntities(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const { items } = await catalog.getEntities(
    {
      filter: [
        {
          [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        {
          [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
      ],
    },
    { credentials },
  );
  return items;
}

/** The entities among `entities` whose workloads `finding` is about. */
export function ownersOf(finding: DriftFinding, entities: Entity[]): Entity[] {
  return entities.filter(e =>
    findingBelongsToEntity(finding, e.metadata.annotations ?? {}),
  );
}
