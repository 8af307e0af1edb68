import { Content, Header, Page } from '@backstage/core-components';
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
  routes: { root: rootRouteRef },
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
      import('./components/StatusPage').then(
        ({ HermesStatusContent }) =>
          () =>
            (
              <Page themeId="tool">
                <Header
                  title="Hermes"
                  subtitle="Operations agent for your portal"
                />
                <Content>
                  <HermesStatusContent />
                </Content>
              </Page>
            ),
      ),
  }),
);
