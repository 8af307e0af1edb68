import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { HermesApi } from './HermesApi';

/**
 * Talks to the Hermes backend through Backstage's discovery and fetch APIs, so the user's
 * credentials are attached the same way as for every other plugin.
 *
 * @public
 */
export class HermesClient implements HermesApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getStatus(): Promise<HermesStatus> {
    return this.get<HermesStatus>('/status');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hermes');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
