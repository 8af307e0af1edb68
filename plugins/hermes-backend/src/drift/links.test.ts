import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { AuditDefinition } from './definitions';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';
import { gitFileLink } from './links';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');
const commit = '3f786850e387550fdab836ed7e6dc881de23001b';
const settings = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
  data: { level: 'info' },
};
const yaml = `# shop settings\n---\n${JSON.stringify(settings)}\n`;

// A loopback server shaped like Argo CD's API (no Argo CD can run here).
function argoCd() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/api/v1/applications/shop')
      return res.end(JSON.stringify({ metadata: { name: 'shop' } }));
    return res.end(
      JSON.stringify({
        items: [
          {
            kind: 'ConfigMap',
            namespace: 'shop',
            name: 'settings',
            targetState: JSON.stringify(settings),
          },
        ],
      }),
    );
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

describe('Git file links', () => {
  it.each([
    [
      'GitHub, pinned to the commit read',
      'https://github.com/acme/gitops/tree/main',
      `https://github.com/acme/gitops/blob/${commit}/shop/settings.yaml#L3`,
    ],
    [
      'GitLab, in a subgroup',
      'https://gitlab.example/platform/acme/gitops/-/tree/main/clusters',
      `https://gitlab.example/platform/acme/gitops/-/blob/${commit}/clusters/shop/settings.yaml#L3`,
    ],
    [
      'Gitea',
      'https://gitea.example/acme/gitops/src/branch/main',
      `https://gitea.example/acme/gitops/src/commit/${commit}/shop/settings.yaml#L3`,
    ],
    [
      'a URL of no known Git host form',
      'https://files.example/gitops.tar.gz',
      undefined,
    ],
  ])('%s', (_, treeUrl, expected) => {
    expect(
      gitFileLink(treeUrl, 'shop/settings.yaml', { revision: commit, line: 3 }),
    ).toBe(expected);
  });

  it('keeps the ref of the tree URL when the reader names no commit', () => {
    expect(
      gitFileLink('https://github.com/acme/gitops/tree/release', 'a b.yaml', {
        revision: '"W/etag-1"',
      }),
    ).toBe('https://github.com/acme/gitops/blob/release/a%20b.yaml');
  });
});

describe.each(databases.eachSupportedId())(
  'links on findings on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-links-'));
      fs.writeFileSync(
        path.join(dir, 'settings.yaml'),
        JSON.stringify({ ...settings, data: { level: 'debug' } }),
      );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function audit(
      desired: AuditDefinition['desired'],
      argocd?: { baseUrl: string; token: string },
    ) {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const config = mockServices.rootConfig({ data: {} });
      const drift = new DefaultDriftService({
        store: await KnexDriftStore.create({ database }),
        catalog: catalogServiceMock(),
        skills: await DefaultSkillsService.create({ config, database, logger }),
        urlReader: mockServices.urlReader.mock({
          readTree: async () => ({
            etag: commit,
            files: async () => [
              {
                path: 'shop/settings.yaml',
                content: async () => Buffer.from(yaml),
              },
            ],
          }),
        } as any),
        logger,
        clusters: [],
        ...(argocd ? { argocd } : {}),
        audits: [
          {
            name: 'shop',
            cluster: 'edge-eu',
            desired,
            liveSnapshot: dir,
            watchedKinds: [],
            ignoreDifferences: [],
          },
        ],
      });
      const run = await drift.runAudit('shop', 'manual');
      expect(run.status).toBe('succeeded');
      const [finding] = await drift.listFindings({ credentials: ada });
      return { run, finding };
    }

    it('link drift read from a Git tree to its file at the commit the audit read', async () => {
      const { run, finding } = await audit({
        url: 'https://github.com/acme/gitops/tree/main',
        path: 'shop',
      });
      expect(finding.links).toEqual({
        file: 'shop/settings.yaml',
        git: `https://github.com/acme/gitops/blob/${commit}/shop/settings.yaml#L3`,
        report: `/hermes?tab=drift&audit=${run.id}`,
      });
    });

    it('link drift read from Argo CD to the resource in the application', async () => {
      const api = await argoCd();
      try {
        const { finding } = await audit(
          { argocdApplication: 'shop' },
          { baseUrl: `${api.url}/`, token: 'argo-token' },
        );
        expect(finding.links?.argocd).toBe(
          `${api.url}/applications/shop?view=tree&resource=&node=%2FConfigMap%2Fshop%2Fsettings%2F0`,
        );
        expect(finding.links?.git).toBeUndefined();
      } finally {
        api.close();
      }
    });

    it('give drift read from a local directory its file but no Git link', async () => {
      const git = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-links-git-'));
      try {
        fs.mkdirSync(path.join(git, 'shop'));
        fs.writeFileSync(path.join(git, 'shop', 'settings.yaml'), yaml);
        const { finding } = await audit({ directory: git });
        // The kubectl hint applies this path in a checkout; there is no web page to link.
        expect(finding.links).toEqual({
          file: 'shop/settings.yaml',
          report: expect.stringMatching(/^\/hermes\?tab=drift&audit=/),
        });
      } finally {
        fs.rmSync(git, { recursive: true, force: true });
      }
    });
  },
);
