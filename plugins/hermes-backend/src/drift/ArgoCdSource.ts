import { Config } from '@backstage/config';
import {
  IgnoreDifference,
  KubernetesObject,
} from '@hermes-backstage/plugin-hermes-common';

/** Where Argo CD's API is and how to call it (`hermes.argocd`). */
export interface ArgoCdConnection {
  baseUrl: string;
  token: string;
}

/** `hermes.argocd`, when configured. */
export function readArgoCdConnection(
  config: Config,
): ArgoCdConnection | undefined {
  const argocd = config.getOptionalConfig('hermes.argocd');
  return argocd
    ? { baseUrl: argocd.getString('baseUrl'), token: argocd.getString('token') }
    : undefined;
}

export interface ArgoCdDesiredState {
  /** Target (rendered) manifests of the application's managed resources. */
  objects: KubernetesObject[];
  /** The application's own `spec.ignoreDifferences`. */
  ignoreDifferences: IgnoreDifference[];
  /** Resources Argo CD itself reports OutOfSync, as `Kind namespace/name`. */
  outOfSync: string[];
}

interface ManagedResource {
  kind?: string;
  namespace?: string;
  name?: string;
  targetState?: string;
}

/**
 * Reads an Argo CD application's desired state through its API: the rendered target state of
 * each managed resource (so Helm, Kustomize and plugins are rendered by Argo CD itself), the
 * application's ignoreDifferences, and its own sync status.
 */
export async function readArgoCdApplication(
  connection: ArgoCdConnection,
  application: string,
  options: { timeoutMs?: number } = {},
): Promise<ArgoCdDesiredState> {
  const get = async <T>(path: string): Promise<T> => {
    const url = `${connection.baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          authorization: `Bearer ${connection.token}`,
          accept: 'application/json',
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new Error(
        `Argo CD request ${path} failed: ${(error as Error).message}`,
      );
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      const message = (() => {
        try {
          return JSON.parse(body).message ?? body;
        } catch {
          return body;
        }
      })();
      throw new Error(
        `Argo CD answered ${response.status} for ${path}${
          message ? `: ${message}` : ''
        }`,
      );
    }
    return (await response.json()) as T;
  };

  const name = encodeURIComponent(application);
  const app = await get<{
    spec?: { ignoreDifferences?: IgnoreDifference[] };
    status?: {
      resources?: Array<{
        kind?: string;
        namespace?: string;
        name?: string;
        status?: string;
      }>;
    };
  }>(`/api/v1/applications/${name}`);
  const managed = await get<{ items?: ManagedResource[] }>(
    `/api/v1/applications/${name}/managed-resources`,
  );

  const objects: KubernetesObject[] = [];
  for (const item of managed.items ?? []) {
    // A resource that exists only live (to be pruned) has no target state.
    if (!item.targetState || item.targetState === 'null') continue;
    objects.push(JSON.parse(item.targetState) as KubernetesObject);
  }
  return {
    objects,
    ignoreDifferences: app.spec?.ignoreDifferences ?? [],
    outOfSync: (app.status?.resources ?? [])
      .filter(r => r.status === 'OutOfSync')
      .map(r => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`),
  };
}
