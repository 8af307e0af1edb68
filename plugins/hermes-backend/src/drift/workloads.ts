import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
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

/**
 * The full ref of an owner as people type it: `group:default/ml-platform`, or `ml-platform`
 * for a group in `namespace`, as the catalog reads `spec.owner`.
 */
function ownerRef(owner: string, namespace = 'default'): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    );
  } catch (error) {
    throw new InputError(`owner: ${(error as Error).message}`);
  }
}

/** Whether `entity` is owned by `owner` (a full ref, from `ownerRef`). */
function isOwnedBy(entity: Entity, owner: string): boolean {
  const declared = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof declared !== 'string') return false;
  try {
    return ownerRef(declared, entity.metadata.namespace ?? 'default') === owner;
  } catch {
    // An entity with a malformed owner is owned by nobody this filter names.
    return false;
  }
}

/** The workload entities `owner` owns (see `ownerRef`), as `credentials` may see them. */
export async function ownedWorkloads(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  owner: string,
): Promise<Entity[]> {
  const ref = ownerRef(owner);
  return (await workloadEntities(catalog, credentials)).filter(e =>
    isOwnedBy(e, ref),
  );
}
