import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import PsychologyIcon from '@mui/icons-material/Psychology';
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
  extensions: [hermesApi, hermesPage],
});
