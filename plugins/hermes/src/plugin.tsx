import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import PsychologyIcon from '@mui/icons-material/Psychology';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@hermes-backstage/plugin-hermes-common';
import { HermesClient, hermesApiRef } from './api';

const hermesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: hermesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HermesClient(deps),
    }),
});

/** @public */
export const hermesRouteRef = createRouteRef();

const hermesPage = PageBlueprint.make({
  params: {
    path: '/hermes',
    // A route ref is what puts the page in the sidebar.
    routeRef: hermesRouteRef,
    title: 'Hermes',
    loader: () => import('./components/HermesPage').then(m => <m.HermesPage />),
  },
});

// Shown for entities mapped to Kubernetes workloads, like the Kubernetes plugin's tab.
const entityDriftContent = EntityContentBlueprint.make({
  name: 'drift',
  params: {
    path: 'drift',
    title: 'Drift',
    filter: entity =>
      Boolean(
        entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ||
          entity.metadata.annotations?.[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
      ),
    loader: () =>
      import('./components/Drift').then(m => <m.EntityDriftContent />),
  },
});

// Every entity can be talked about; the server adds what it knows about the entity.
const entityAgentContent = EntityContentBlueprint.make({
  name: 'agent',
  params: {
    path: 'agent',
    title: 'Agent',
    loader: () =>
      import('./components/Agent').then(m => <m.EntityAgentContent />),
  },
});

/**
 * Hermes for the new frontend system; installed by feature discovery (`app.packages: all`)
 * or by adding it to `createApp({ features })`.
 *
 * @public
 */
export const hermesPlugin = createFrontendPlugin({
  pluginId: 'hermes',
  title: 'Hermes',
  icon: <PsychologyIcon fontSize="inherit" />,
  routes: { root: hermesRouteRef },
  extensions: [hermesApi, hermesPage, entityDriftContent, entityAgentContent],
});
