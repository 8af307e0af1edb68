import { Header, Page } from '@backstage/core-components';
import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { HermesClient, hermesApiRef } from './api';

/** @public */
export const rootRouteRef = createRouteRef({ id: 'hermes' });

/** @public */
export const entityAgentRouteRef = createRouteRef({
  id: 'hermes:entity-agent',
});

/**
 * Hermes for apps still on the legacy frontend system.
 *
 * @public
 */
export const legacyHermesPlugin = createPlugin({
  id: 'hermes',
  apis: [
    createApiFactory({
      api: hermesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HermesClient(deps),
    }),
  ],
  routes: { root: rootRouteRef, entityAgent: entityAgentRouteRef },
});

/**
 * The Hermes page for legacy apps: `<Route path="/hermes" element={<HermesPage />} />`.
 *
 * @public
 */
export const HermesPage = legacyHermesPlugin.provide(
  createRoutableExtension({
    name: 'HermesPage',
    mountPoint: rootRouteRef,
    component: () =>
      import('./components/HermesPage').then(({ HermesPage: Body }) => () => (
        <Page themeId="tool">
          <Header title="Hermes" subtitle="Operations agent for your portal" />
          <Body />
        </Page>
      )),
  }),
);

/**
 * The "Agent" entity tab for legacy apps, inside an `EntityLayout`:
 * `<EntityLayout.Route path="/agent" title="Agent"><EntityHermesAgentContent /></EntityLayout.Route>`.
 *
 * @public
 */
export const EntityHermesAgentContent = legacyHermesPlugin.provide(
  createRoutableExtension({
    name: 'EntityHermesAgentContent',
    mountPoint: entityAgentRouteRef,
    component: () =>
      import('./components/Agent').then(m => m.EntityAgentContent),
  }),
);
