import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { KubernetesObject } from '@hermes-backstage/plugin-hermes-common';
import { ClusterDefinition } from './clusters';

/** A kind to read from the cluster, e.g. `{ apiVersion: 'apps/v1', kind: 'Deployment' }`. */
export interface LiveKind {
  apiVersion: string;
  kind: string;
}

/** A list call that failed; the audit records it and goes on with the rest. */
export interface LiveStateError {
  kind: string;
  namespace?: string;
  status?: number;
  message: string;
}

export interface LiveState {
  objects: KubernetesObject[];
  errors: LiveStateError[];
  /** List requests made (discovery excluded): kinds x namespaces x pages. */
  listCalls: number;
}

// Exposes the client's cached discovery, to list cluster-scoped kinds once, not per namespace.
class DiscoveringObjectApi extends KubernetesObjectApi {
  async namespaced(
    apiVersion: string,
    kind: string,
  ): Promise<boolean | undefined> {
    return (await this.resource(apiVersion, kind))?.namespaced;
  }
}

function describe(error: unknown): { status?: number; message: string } {
  const status = (error as { code?: number }).code;
  const raw = (error as { body?: unknown }).body;
  let reason = (error as Error).message;
  try {
    const body = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (body && typeof body === 'object' && 'message' in body)
      reason = String((body as { message: unknown }).message);
  } catch {
    // keep the client's message
  }
  return typeof status === 'number'
    ? { status, message: `HTTP ${status}: ${reason}` }
    : { message: reason };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads live objects through `@kubernetes/client-node`: one paginated list call per kind and
 * namespace (cluster-scoped kinds once), never one GET per object. A failing call (401, 403,
 * timeout) is recorded with its kind and namespace and the rest of the audit goes on.
 */
export class KubernetesLiveSource {
  private readonly client: DiscoveringObjectApi;

  constructor(
    private readonly cluster: ClusterDefinition,
    private readonly options: { pageSize?: number; timeoutMs?: number } = {},
  ) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          skipTLSVerify: cluster.skipTLSVerify ?? false,
        },
      ],
      users: [{ name: 'hermes', token: cluster.serviceAccountToken }],
      contexts: [{ name: 'hermes', cluster: cluster.name, user: 'hermes' }],
      currentContext: 'hermes',
    });
    this.client = kc.makeApiClient(DiscoveringObjectApi);
  }

  async read(
    kinds: LiveKind[],
    namespaces?: string[],
    labelSelector?: string,
  ): Promise<LiveState> {
    const state: LiveState = { objects: [], errors: [], listCalls: 0 };
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    for (const { apiVersion, kind } of kinds) {
      let namespaced: boolean | undefined;
      try {
        namespaced = await withTimeout(
          this.client.namespaced(apiVersion, kind),
          timeoutMs,
        );
      } catch (error) {
        state.errors.push({ kind, ...describe(error) });
        continue;
      }
      if (namespaced === undefined) {
        state.errors.push({
          kind,
          message: `the cluster ${this.cluster.name} does not serve ${apiVersion} ${kind}`,
        });
        continue;
      }
      const scopes =
        namespaced && namespaces?.length ? namespaces : [undefined];
      for (const namespace of scopes) {
        let continueToken: string | undefined;
        try {
          do {
            state.listCalls++;
            const page = await withTimeout(
              this.client.list(
                apiVersion,
                kind,
                namespace,
                undefined,
                undefined,
                undefined,
                undefined,
                labelSelector,
                this.options.pageSize ?? 500,
                continueToken,
              ),
              timeoutMs,
            );
            for (const item of page.items) {
              state.objects.push({
                ...item,
                apiVersion,
                kind,
              } as KubernetesObject);
            }
            // Typed lists name it `_continue`; plain JSON lists keep `continue`.
            const meta = page.metadata as
              | { _continue?: string; continue?: string }
              | undefined;
            continueToken = meta?._continue || meta?.continue || undefined;
          } while (continueToken);
        } catch (error) {
          state.errors.push({
            kind,
            ...(namespace ? { namespace } : {}),
            ...describe(error),
          });
        }
      }
    }
    return state;
  }
}
