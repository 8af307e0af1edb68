import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { examples } from './demo';

// The demo organisation for tests with a real permission backend: the catalog as each person
// may read it, and a module that installs an organisation's permission policy.

export const LINUS = 'user:default/linus';

/** The demo catalog, as `examples/catalog` describes it. */
export const demoEntities: Entity[] = [
  'inference-platform.yaml',
  'org.yaml',
].flatMap(file =>
  parseAllDocuments(
    fs.readFileSync(path.join(examples, 'catalog', file), 'utf8'),
  ).map(doc => {
    const entity = doc.toJS() as Entity;
    entity.metadata.namespace ??= 'default';
    return entity;
  }),
);

/**
 * The catalog as each caller may read it, as the catalog's own permission rules would give
 * it: linus (ranking team) reads his team's entities and the org; everyone else, and plugins
 * acting as themselves, read everything.
 */
export const catalogAsSeenByCaller = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => {
    const visible = (credentials: any) =>
      credentials?.principal?.userEntityRef === LINUS
        ? demoEntities.filter(
            e =>
              e.kind === 'Group' ||
              e.kind === 'User' ||
              (e.spec as any)?.owner === 'group:ranking',
          )
        : demoEntities;
    // Every method answers from the entities the caller may read.
    const methods = Object.getOwnPropertyNames(
      Object.getPrototypeOf(catalogServiceMock({ entities: [] })),
    ).filter(name => name !== 'constructor');
    return Object.fromEntries(
      methods.map(method => [
        method,
        (query: unknown, options?: { credentials: unknown }) =>
          (
            catalogServiceMock({
              entities: visible(options?.credentials),
            }) as any
          )[method](query, options),
      ]),
    ) as any;
  },
});

/** The permission backend's module that installs `policy`. */
export function policyModule(policy: PermissionPolicy) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'team-policy',
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy: extension }) {
          extension.setPolicy(policy);
        },
      });
    },
  });
}
