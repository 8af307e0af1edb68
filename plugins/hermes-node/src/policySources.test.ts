import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRequestedSources, loadYamlSources } from './policySources';

const policy = (name: string) =>
  `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: { name: ${name} }\nspec: { rules: [] }\n`;

describe('checkRequestedSources', () => {
  const configured = ['/srv/policies', 'https://git.example/policies'];
  const workspace = '/tmp/task-1/workspace';

  it.each([
    ['a configured source', '/srv/policies', {}, '/srv/policies'],
    ['a URL', 'https://evil.example/p.yaml', {}, 'https://evil.example/p.yaml'],
    [
      'a path inside the workspace',
      'policies',
      { workspace },
      `${workspace}/policies`,
    ],
  ])('accepts %s', (_name, source, options, expected) => {
    expect(checkRequestedSources([source], { configured, ...options })).toEqual(
      [expected],
    );
  });

  it.each([
    ['a server path', '/etc/shadow', {}],
    ['a relative path without a workspace', 'policies', {}],
    ['a path climbing out of the workspace', '../../etc', { workspace }],
    ['an absolute path outside the workspace', '/etc', { workspace }],
    ['a file: URL', 'file:///etc/passwd', {}],
  ])('refuses %s, naming it', (_name, source, options) => {
    expect(() =>
      checkRequestedSources(['/srv/policies', source], {
        configured,
        ...options,
      }),
    ).toThrow(`policies[1]: "${source}" is not a configured policy source`);
  });
});

describe('loadYamlSources', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-sources-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('warns about invalid UTF-8 with the file and byte offset, and still reads the policy', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${policy('latin1')}# caf`),
      Buffer.from([0xe9, 0x0a]),
    ]);
    fs.writeFileSync(path.join(dir, 'p.yaml'), bytes);
    const loaded = await loadYamlSources([dir], {
      urlReader: mockServices.urlReader.mock(),
    });
    expect(loaded.objects.map(o => o.object.metadata.name)).toEqual(['latin1']);
    expect(loaded.problems).toEqual([]);
    expect(loaded.warnings).toEqual([
      `${path.join(dir, 'p.yaml')}: invalid UTF-8 at byte ${bytes.indexOf(
        0xe9,
      )}; read as U+FFFD`,
    ]);
  });

  it('does not follow a symbolic link out of a configured directory', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), policy('outside'));
    fs.writeFileSync(path.join(dir, 'p.yaml'), policy('inside'));
    fs.symlinkSync(
      path.join(outside, 'secret.yaml'),
      path.join(dir, 'link.yaml'),
    );
    fs.symlinkSync(outside, path.join(dir, 'linked-dir'));
    try {
      const loaded = await loadYamlSources([dir], {
        urlReader: mockServices.urlReader.mock(),
      });
      expect(loaded.objects.map(o => o.object.metadata.name)).toEqual([
        'inside',
      ]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
