import { createApiRef } from '@backstage/frontend-plugin-api';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';

/** The Hermes backend as the frontend sees it. @public */
export interface HermesApi {
  getStatus(): Promise<HermesStatus>;
}

/** @public */
export const hermesApiRef = createApiRef<HermesApi>().with({
  id: 'plugin.hermes.api',
  pluginId: 'hermes',
});
