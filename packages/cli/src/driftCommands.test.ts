import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './index';

describe('hermes drift audit with hostile content', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-cli-drift-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };

  async function audit(...extra: string[]) {
    const lines: string[] = [];
    const code = await main(
      [
        'drift',
        'audit',
        '--cluster',
        'c',
        '--desired',
        path.join(dir, 'git/a'),
        '--live',
        path.join(dir, 'live'),
        '--output',
        'json',
        ...extra,
      ],
      line => lines.push(line),
    );
    return { code, out: lines.join('\n') };
  }

  it('completes despite a kustomization cycle, invalid UTF-8 and null audit events, says so, and exits 2 for the incomplete input', async () => {
    const configMap = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: shop }\ndata: { mode: safe }\n`;
    write('git/a/kustomization.yaml', 'resources: [cm.yaml, ../b]\n');
    write('git/a/cm.yaml', configMap('a'));
    write('git/b/kustomization.yaml', 'resources: [../a, cm.yaml]\n');
    write('git/b/cm.yaml', configMap('b'));
    const latin1 = Buffer.concat([
      Buffer.from(`${configMap('a').replace('safe', 'fast')}# caf`),
      Buffer.from([0xe9, 0x0a]),
    ]);
    write('live/a.yaml', latin1);
    write('live/b.yaml', configMap('b'));
    write('audit.jsonl', 'null\n{"kind":"EventList","items":[null,7]}\n');

    const { code, out } = await audit(
      '--audit-log',
      path.join(dir, 'audit.jsonl'),
    );
    expect(code).toBe(2);
    const report = JSON.parse(out);
    expect(report.findings.map((f: any) => f.changes[0].path)).toEqual([
      '/data/mode',
    ]);
    const a = path.join(dir, 'git/a').slice(1);
    const b = path.join(dir, 'git/b').slice(1);
    expect(report.warnings).toEqual([
      'objects in the cluster but not in Git are not reported: the desired state is incomplete',
      `${b}/kustomization.yaml: kustomization cycle: ${a} -> ${b} -> ${a}`,
      `${path.join(dir, 'live/a.yaml')}: invalid UTF-8 at byte ${latin1.indexOf(
        0xe9,
      )}; read as U+FFFD`,
      `${path.join(
        dir,
        'audit.jsonl',
      )}: skipped 3 entries that are not audit events`,
    ]);
  });

  it('prints no Secret value when Git holds an empty annotations map', async () => {
    write(
      'git/a/secret.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: shop\n  annotations:\ndata: { password: c2FtZQ== }\n',
    );
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'shop' },
      stringData: { token: 'live-token-4f2a' },
    });
    write(
      'live/secret.yaml',
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: creds',
        '  namespace: shop',
        '  annotations:',
        '    owner: platform',
        `    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'`,
        'data: { password: c2FtZQ==, token: bGl2ZS10b2tlbi00ZjJh }',
        '',
      ].join('\n'),
    );
    const { out } = await audit();
    expect(JSON.parse(out).findings[0].changes).toEqual([
      {
        path: '/metadata/annotations',
        desired: null,
        live: { owner: 'platform' },
      },
    ]);
    expect(out).not.toContain('live-token-4f2a');
    expect(out).not.toContain('bGl2ZS10b2tlbi00ZjJh');
  });
});
