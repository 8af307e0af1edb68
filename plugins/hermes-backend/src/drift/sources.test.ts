import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditDefinition } from './definitions';
import { readDesired, readLive } from './sources';

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: shop }\n`;

// "café" written in Latin-1, as an editor on the wrong code page saves it.
const latin1 = Buffer.concat([
  Buffer.from(`${configMap('caf')}data: { greeting: caf`),
  Buffer.from([0xe9]),
  Buffer.from(' }\n'),
]);
const badOffset = latin1.indexOf(0xe9);

const audit = (overrides: Partial<AuditDefinition>): AuditDefinition => ({
  name: 'shop',
  cluster: 'edge-eu',
  desired: {},
  watchedKinds: [],
  ignoreDifferences: [],
  ...overrides,
});

describe('drift sources', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-sources-'));
    // A Git checkout: what its kustomizations may refer to.
    fs.mkdirSync(path.join(dir, '.git'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const urlReader = (files: Record<string, Buffer>) =>
    mockServices.urlReader.mock({
      readTree: async () => ({
        files: async () =>
          Object.entries(files).map(([p, content]) => ({
            path: p,
            content: async () => content,
          })),
      }),
    } as any);

  it('warns about invalid UTF-8 in a Git tree with the file and the byte offset', async () => {
    const state = await readDesired(
      audit({ desired: { url: 'https://git.example/repo', path: 'apps' } }),
      {
        urlReader: urlReader({
          'apps/cm.yaml': latin1,
          'apps/ok.yaml': Buffer.from(configMap('ok')),
          // Never read by the audit, so never warned about.
          'docs/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]),
        }),
      },
    );
    expect(state.objects.map(o => o.object.metadata.name)).toEqual([
      'caf',
      'ok',
    ]);
    expect(state.warnings).toEqual([
      `apps/cm.yaml: invalid UTF-8 at byte ${badOffset}; read as U+FFFD`,
    ]);
  });

  it('warns about invalid UTF-8 in a local directory with the file and the byte offset', async () => {
    fs.writeFileSync(path.join(dir, 'cm.yaml'), latin1);
    const state = await readDesired(audit({ desired: { directory: dir } }), {
      urlReader: urlReader({}),
    });
    expect(state.objects).toHaveLength(1);
    expect(state.warnings).toEqual([
      `cm.yaml: invalid UTF-8 at byte ${badOffset}; read as U+FFFD`,
    ]);
  });

  it('warns about invalid UTF-8 in a live snapshot with the file and the byte offset', async () => {
    fs.writeFileSync(path.join(dir, 'cm.yaml'), latin1);
    const warnings: string[] = [];
    const live = await readLive(audit({ liveSnapshot: dir }), [], warnings, []);
    expect(live).toHaveLength(1);
    expect(warnings).toEqual([
      `cm.yaml: invalid UTF-8 at byte ${badOffset}; read as U+FFFD`,
    ]);
  });

  it('reports kustomizations that list each other instead of reading forever', async () => {
    for (const [folder, other] of [
      ['a', 'b'],
      ['b', 'a'],
    ]) {
      fs.mkdirSync(path.join(dir, folder));
      fs.writeFileSync(
        path.join(dir, folder, 'kustomization.yaml'),
        `resources: [cm.yaml, ../${other}]\n`,
      );
      fs.writeFileSync(path.join(dir, folder, 'cm.yaml'), configMap(folder));
    }
    const state = await readDesired(
      audit({ desired: { directory: path.join(dir, 'a') } }),
      { urlReader: urlReader({}) },
    );
    const [a, b] = ['a', 'b'];
    expect(state.problems).toEqual([
      {
        source: `${b}/kustomization.yaml`,
        message: `kustomization cycle: ${a} -> ${b} -> ${a}`,
      },
    ]);
    expect(state.objects.map(o => o.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('reads nothing outside the Git checkout, through `..` or a symbolic link', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-outside-'));
    fs.writeFileSync(
      path.join(outside, 'server.yaml'),
      configMap('server-file'),
    );
    const apps = path.join(dir, 'apps');
    fs.mkdirSync(apps);
    const up = path.relative(apps, outside);
    fs.writeFileSync(
      path.join(apps, 'kustomization.yaml'),
      `resources: [cm.yaml, ${up}/server.yaml, ${up}, linked.yaml, linked-dir]\n`,
    );
    fs.writeFileSync(path.join(apps, 'cm.yaml'), configMap('mine'));
    fs.symlinkSync(
      path.join(outside, 'server.yaml'),
      path.join(apps, 'linked.yaml'),
    );
    fs.symlinkSync(outside, path.join(apps, 'linked-dir'));
    try {
      const state = await readDesired(audit({ desired: { directory: apps } }), {
        urlReader: urlReader({}),
      });
      expect(state.objects.map(o => o.object.metadata.name)).toEqual(['mine']);
      expect(JSON.stringify(state)).not.toContain('server-file');
      expect(state.problems.map(p => p.message)).toEqual([
        `resource "${up}/server.yaml" points outside the directory being audited`,
        `resource "${up}" points outside the directory being audited`,
        // Links that lead out of the checkout are treated as absent.
        'file listed in a kustomization does not exist',
        'file listed in a kustomization does not exist',
      ]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
