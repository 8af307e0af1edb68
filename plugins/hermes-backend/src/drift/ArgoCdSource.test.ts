import http from 'node:http';
import { AddressInfo } from 'node:net';
import { readArgoCdApplication } from './ArgoCdSource';

// A loopback server shaped like Argo CD's API (no Argo CD can run here).
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'feature-server', namespace: 'serving-stack' },
  spec: { replicas: 2 },
};

function argoCd() {
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer argo-token')
      return json(401, { error: 'unauthorized', message: 'invalid session' });
    if (req.url === '/api/v1/applications/serving-stack') {
      return json(200, {
        metadata: { name: 'serving-stack' },
        spec: {
          ignoreDifferences: [
            {
              group: 'apps',
              kind: 'Deployment',
              jsonPointers: ['/spec/replicas'],
            },
          ],
        },
        status: {
          resources: [
            {
              group: 'apps',
              kind: 'Deployment',
              namespace: 'serving-stack',
              name: 'feature-server',
              status: 'OutOfSync',
            },
            {
              kind: 'ConfigMap',
              namespace: 'serving-stack',
              name: 'old-settings',
              status: 'OutOfSync',
            },
          ],
        },
      });
    }
    if (req.url === '/api/v1/applications/serving-stack/managed-resources') {
      return json(200, {
        items: [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'serving-stack',
            name: 'feature-server',
            targetState: JSON.stringify(deployment),
            liveState: '{}',
          },
          {
            kind: 'ConfigMap',
            namespace: 'serving-stack',
            name: 'old-settings',
            targetState: 'null',
            liveState: '{}',
          },
        ],
      });
    }
    return json(404, {
      error: 'not found',
      message: 'applications.argoproj.io "nope" not found',
    });
  });
  return new Promise<{ url: string; close: () => void }>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close(),
      }),
    ),
  );
}

describe('readArgoCdApplication', () => {
  it('reads target states, the ignoreDifferences and the sync status of an application', async () => {
    const api = await argoCd();
    try {
      const state = await readArgoCdApplication(
        { baseUrl: `${api.url}/`, token: 'argo-token' },
        'serving-stack',
      );
      expect(state.objects).toEqual([deployment]);
      expect(state.ignoreDifferences).toEqual([
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      ]);
      expect(state.outOfSync).toEqual([
        'Deployment serving-stack/feature-server',
        'ConfigMap serving-stack/old-settings',
      ]);
    } finally {
      api.close();
    }
  });

  it('names the status and Argo CD message when a request fails', async () => {
    const api = await argoCd();
    try {
      await expect(
        readArgoCdApplication(
          { baseUrl: api.url, token: 'wrong' },
          'serving-stack',
        ),
      ).rejects.toThrow(
        'Argo CD answered 401 for /api/v1/applications/serving-stack: invalid session',
      );
      await expect(
        readArgoCdApplication(
          { baseUrl: api.url, token: 'argo-token' },
          'nope',
        ),
      ).rejects.toThrow(
        'Argo CD answered 404 for /api/v1/applications/nope: applications.argoproj.io "nope" not found',
      );
    } finally {
      api.close();
    }
  });
});
