import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesLiveSource } from './KubernetesLiveSource';

// No kube-apiserver binary can be installed here, so a loopback server answers the
// discovery and list endpoints from fixtures; the real @kubernetes/client-node talks to it
// over plain HTTP, which the client only allows with skipTLSVerify.
const deployment = (name: string, namespace: string) => ({
  metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '1' },
  spec: { replicas: 1 },
});

function apiServer() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${url.pathname}${url.search}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer sa-token')
      return json(401, { kind: 'Status', message: 'Unauthorized' });
    switch (url.pathname) {
      case '/apis/apps/v1':
        return json(200, {
          kind: 'APIResourceList',
          groupVersion: 'apps/v1',
          resources: [
            {
              name: 'deployments',
              singularName: 'deployment',
              namespaced: true,
              kind: 'Deployment',
              verbs: ['list'],
            },
          ],
        });
      case '/apis/kyverno.io/v1':
        return json(200, {
          kind: 'APIResourceList',
          groupVersion: 'kyverno.io/v1',
          resources: [
            {
              name: 'clusterpolicies',
              singularName: 'clusterpolicy',
              namespaced: false,
              kind: 'ClusterPolicy',
              verbs: ['list'],
            },
          ],
        });
      case '/apis/apps/v1/namespaces/serving-stack/deployments': {
        // Two pages: the client must follow the continue token.
        if (url.searchParams.get('continue') === 'page-2') {
          return json(200, {
            kind: 'DeploymentList',
            metadata: {},
            items: [deployment('c', 'serving-stack')],
          });
        }
        return json(200, {
          kind: 'DeploymentList',
          metadata: { continue: 'page-2' },
          items: [
            deployment('a', 'serving-stack'),
            deployment('b', 'serving-stack'),
          ],
        });
      }
      case '/apis/apps/v1/namespaces/locked/deployments':
        return json(403, {
          kind: 'Status',
          message:
            'deployments.apps is forbidden: User "system:serviceaccount:hermes:reader" cannot list resource "deployments" in the namespace "locked"',
        });
      case '/apis/apps/v1/namespaces/slow/deployments':
        return undefined; // never answers
      case '/apis/kyverno.io/v1/clusterpolicies':
        return json(200, {
          kind: 'ClusterPolicyList',
          metadata: {},
          items: [{ metadata: { name: 'require-owner-labels' }, spec: {} }],
        });
      default:
        return json(404, { kind: 'Status', message: 'not found' });
    }
  });
  return new Promise<{ url: string; requests: string[]; close: () => void }>(
    resolve =>
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          url: `http://127.0.0.1:${port}`,
          requests,
          close: () => {
            server.closeAllConnections();
            server.close();
          },
        });
      }),
  );
}

describe('KubernetesLiveSource', () => {
  it('lists each kind per namespace with pagination, and cluster-scoped kinds once', async () => {
    const api = await apiServer();
    try {
      const source = new KubernetesLiveSource(
        {
          name: 'test',
          url: api.url,
          source: 'hermes',
          serviceAccountToken: 'sa-token',
          skipTLSVerify: true,
        },
        { pageSize: 2 },
      );
      const state = await source.read(
        [
          { apiVersion: 'apps/v1', kind: 'Deployment' },
          { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy' },
        ],
        ['serving-stack'],
      );
      expect(state.errors).toEqual([]);
      expect(state.objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
        'Deployment/a',
        'Deployment/b',
        'Deployment/c',
        'ClusterPolicy/require-owner-labels',
      ]);
      expect(state.objects[0].apiVersion).toBe('apps/v1');
      // 2 pages of Deployments + 1 list of ClusterPolicies; no GET per object.
      expect(state.listCalls).toBe(3);
      expect(api.requests.filter(r => !/^\/apis\/[^/]+\/v1$/.test(r))).toEqual([
        '/apis/apps/v1/namespaces/serving-stack/deployments?limit=2',
        '/apis/apps/v1/namespaces/serving-stack/deployments?limit=2&continue=page-2',
        '/apis/kyverno.io/v1/clusterpolicies?limit=2',
      ]);
    } finally {
      api.close();
    }
  });

  it('records which namespace failed (403, timeout) and goes on', async () => {
    const api = await apiServer();
    try {
      const source = new KubernetesLiveSource(
        {
          name: 'test',
          url: api.url,
          source: 'hermes',
          serviceAccountToken: 'sa-token',
          skipTLSVerify: true,
        },
        { timeoutMs: 500 },
      );
      const state = await source.read(
        [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
        ['locked', 'slow', 'serving-stack'],
      );
      expect(state.errors).toEqual([
        {
          kind: 'Deployment',
          namespace: 'locked',
          status: 403,
          message: expect.stringMatching(
            /^HTTP 403: deployments\.apps is forbidden/,
          ),
        },
        {
          kind: 'Deployment',
          namespace: 'slow',
          message: 'timed out after 0.5 s',
        },
      ]);
      expect(state.objects.map(o => o.metadata.name)).toEqual(['a', 'b', 'c']);
    } finally {
      api.close();
    }
  });

  it('records a rejected token as an error for the kind', async () => {
    const api = await apiServer();
    try {
      const source = new KubernetesLiveSource({
        name: 'test',
        url: api.url,
        source: 'hermes',
        serviceAccountToken: 'wrong',
        skipTLSVerify: true,
      });
      const state = await source.read(
        [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
        ['serving-stack'],
      );
      expect(state.objects).toEqual([]);
      expect(state.errors).toEqual([
        {
          kind: 'Deployment',
          status: 401,
          message: expect.stringMatching(/^HTTP 401/),
        },
      ]);
    } finally {
      api.close();
    }
  });
});
