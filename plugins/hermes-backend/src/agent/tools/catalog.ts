import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { z } from 'zod';
import { defineTool } from './types';

// Where the catalog read an entity from: on a backend that reads local catalog files, a path
// on the server's disk, which is nobody's business in a prompt.
const LOCATION_ANNOTATIONS = new Set([
  'backstage.io/managed-by-location',
  'backstage.io/managed-by-origin-location',
]);

/**
 * An entity's annotations as the model may see them: without the catalog's own location
 * annotations and without any whose value is a `file:` location (a path on the server).
 */
export function annotationsForModel(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  return Object.fromEntries(
    Object.entries(annotations).filter(
      ([key, value]) =>
        !LOCATION_ANNOTATIONS.has(key) && !/^\s*file:/i.test(String(value)),
    ),
  );
}

/** What the agent needs of an entity; not the whole document, to keep prompts small. */
export function describeEntity(entity: Entity) {
  return {
    ref: stringifyEntityRef(entity),
    title: entity.metadata.title,
    description: entity.metadata.description,
    tags: entity.metadata.tags,
    annotations: annotationsForModel(entity.metadata.annotations),
    labels: entity.metadata.labels,
    spec: entity.spec,
    relations: entity.relations?.map(r => `${r.type} ${r.targetRef}`),
  };
}

/** Catalog reads, always with the user's own credentials so catalog permissions apply. */
export function catalogTools(options: { catalog: CatalogService }) {
  const { catalog } = options;
  return [
    defineTool({
      name: 'catalog_get_entity',
      description:
        'Read one catalog entity by ref (kind:namespace/name), with annotations, spec and relations.',
      input: z.object({
        entityRef: z
          .string()
          .describe('Entity ref, e.g. component:default/fraud-scorer'),
      }),
      changes: false,
      async execute({ entityRef }, { credentials }) {
        const entity = await catalog.getEntityByRef(entityRef, {
          credentials,
        });
        if (!entity)
          throw new NotFoundError(
            `No entity ${entityRef}, or you may not read it`,
          );
        return describeEntity(entity);
      },
    }),
    defineTool({
      name: 'catalog_search',
      description:
        'Find catalog entities by free text and/or kind, owner or system. Returns refs and titles.',
      input: z.object({
        text: z.string().optional().describe('Words to look for'),
        kind: z.string().optional().describe('e.g. Component, System, Group'),
        owner: z
          .string()
          .optional()
          .describe('Owner ref, e.g. group:ml-platform'),
        limit: z.number().int().min(1).max(50).default(20),
      }),
      changes: false,
      async execute({ text, kind, owner, limit }, { credentials }) {
        const filter: Record<string, string> = {};
        if (kind) filter.kind = kind;
        if (owner) filter['relations.ownedBy'] = owner;
        const { items, totalItems } = await catalog.queryEntities(
          {
            ...(Object.keys(filter).length ? { filter } : {}),
            ...(text ? { fullTextFilter: { term: text } } : {}),
            limit,
            fields: [
              'kind',
              'metadata.namespace',
              'metadata.name',
              'metadata.title',
              'metadata.description',
              'spec.type',
              'spec.owner',
            ],
          },
          { credentials },
        );
        return {
          totalItems,
          entities: items.map(e => ({
            ref: stringifyEntityRef(e),
            title: e.metadata.title,
            description: e.metadata.description,
            type: (e.spec as { type?: string } | undefined)?.type,
            owner: (e.spec as { owner?: string } | undefined)?.owner,
          })),
        };
      },
    }),
  ];
}
