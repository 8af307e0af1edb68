import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';
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
    // Our own header: the title with a subtitle saying what Hermes does.
    noHeader: true,
    loader: () =>
      import('./components/HermesPage').then(m => <m.HermesPageWithHeader />),
  },
});

// Entities mapped to Kubernetes workloads, as the Kubernetes plugin's tab finds them.
const hasWorkloads = (entity: Entity) =>
  Boolean(
    entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ||
      entity.metadata.annotations?.[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
  );

const entityDriftContent = EntityContentBlueprint.make({
  name: 'drift',
  params: {
    path: 'drift',
    title: 'Drift',
    filter: hasWorkloads,
    loader: () =>
      import('./components/Drift').then(m => <m.EntityDriftContent />),
  },
});

// On the Overview page of the same entities: open drift at a glance, the way to the tab.
const entityDriftCard = EntityCardBlueprint.make({
  name: 'drift',
  params: {
    filter: hasWorkloads,
    loader: () => import('./components/Drift').then(m => <m.EntityDriftCard />),
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
  extensions: [
    hermesApi,
    hermesPage,
    entityDriftContent,
    entityDriftCard,
    entityAgentContent,
  ],
});
