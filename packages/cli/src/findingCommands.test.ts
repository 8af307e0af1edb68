import { makeFinding, startLibraryPortal } from './__testUtils__/libraryPortal';
import { run, runBinary } from './__testUtils__/run';

const USER_TOKEN = 'user-token-3b7e';
const STATIC_TOKEN = 'static-token-c41f';

describe('hermes drift findings and resolve', () => {
  let portal: Awaited<ReturnType<typeof startLibraryPortal>>;
  const saved = { ...process.env };
  beforeEach(async () => {
    portal = await startLibraryPortal({
      user: USER_TOKEN,
      service: STATIC_TOKEN,
    });
    process.env.HERMES_TOKEN = USER_TOKEN;
    process.env.HERMES_PORTAL_URL = portal.url;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await portal.close();
  });

  it('lists findings with who wrote them and their resolution, and exits 1 while a critical one is open', async () => {
    portal.findings.push(
      makeFinding('f-1'),
      makeFinding('f-2', {
        classification: 'harmless',
        resource: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'serving-stack',
          name: 'feature-server',
        },
        changes: [{ path: '/spec/replicas' }, { path: '/spec/paused' }],
        attribution: {
          manager: 'kube-controller-manager',
          operation: 'Update',
          class: 'controller',
        },
        history: {
          seen: 3,
          windowDays: 14,
          labels: [],
          lastResolution: {
            resolution: 'harmless',
            userRef: 'user:default/ana',
            at: '2026-05-22T08:00:00.000Z',
          },
        },
      }),
    );
    const { code, out } = await run('drift', 'findings');
    expect(code).toBe(1);
    const [header, first, second, , summary] = out.split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'ID',
      'CLASS',
      'CLUSTER',
      'RESOURCE',
      'DRIFT',
      'LAST WRITTEN BY',
      'RESOLUTION',
    ]);
    expect(first.split(/\s{2,}/)).toEqual([
      'f-1',
      'critical',
      'neuroscale-prod',
      'ClusterPolicy require-resource-limits',
      'modified 1 field',
      'ops-admin 2026-05-23 03:12 UTC',
      'open',
    ]);
    expect(second.split(/\s{2,}/)).toEqual([
      'f-2',
      'harmless',
      'neuroscale-prod',
      'Deployment serving-stack/feature-server',
      'modified 2 fields',
      'kube-controller-manager —',
      'harmless by user:default/ana 2026-05-22 08:00 UTC',
    ]);
    expect(summary).toBe('2 findings, 1 critical and open');

    // Once the critical finding is resolved, the same listing passes.
    portal.findings[0].history.lastResolution = {
      resolution: 'reverted',
      userRef: 'user:default/ana',
      at: '2026-05-23T13:00:00.000Z',
    };
    expect((await run('drift', 'findings')).code).toBe(0);
  });

  it('passes the filters to the API and prints its JSON', async () => {
    portal.findings.push(
      makeFinding('f-1', { classification: 'unknown' }),
      makeFinding('f-2', { classification: 'harmless' }),
    );
    const { code, out } = await run(
      'drift',
      'findings',
      '--classification',
      'harmless',
      '--namespace',
      '',
      '--entity',
      'component:default/fraud-detector',
      '--owner',
      'group:default/ranking',
      '--audit-id',
      'audit-1',
      '--output',
      'json',
    );
    expect(code).toBe(0);
    expect(portal.requests.at(-1)?.url).toBe(
      '/api/hermes/drift/findings?auditId=audit-1&entityRef=component%3Adefault%2Ffraud-detector&owner=group%3Adefault%2Franking&classification=harmless&limit=500&offset=0',
    );
    expect(JSON.parse(out).findings.map((f: any) => f.id)).toEqual(['f-2']);
    await expect(
      run('drift', 'findings', '--classification', 'bad'),
    ).rejects.toThrow(
      '--classification must be critical, harmless, unknown, not "bad"',
    );
  });

  it('reads every page, and --state picks which drift: a resolved critical one passes', async () => {
    for (let i = 0; i < 1203; i++)
      portal.findings.push(
        makeFinding(`h-${i}`, { classification: 'harmless' }),
      );
    portal.findings.push(
      makeFinding('c-1', { classification: 'critical', state: 'resolved' }),
    );
    const open = await run('drift', 'findings', '--output', 'json');
    expect(open.code).toBe(0);
    expect(JSON.parse(open.out).findings).toHaveLength(1203);
    expect(
      portal.requests.filter(r => r.url.includes('/drift/findings')),
    ).toHaveLength(3);

    const all = await run('drift', 'findings', '--state', 'all');
    expect(all.code).toBe(0);
    expect(all.out.trim().split('\n').at(-1)).toBe(
      '1204 findings, 0 critical and open',
    );
    await expect(run('drift', 'findings', '--state', 'gone')).rejects.toThrow(
      '--state must be open, resolved, silenced, all, not "gone"',
    );
  });

  it('records a resolution with a note', async () => {
    portal.findings.push(makeFinding('f-1'));
    const { code, out } = await run(
      'drift',
      'resolve',
      'f-1',
      'reverted',
      '--note',
      'rolled back the manual edit',
    );
    expect([code, out]).toEqual([0, 'Recorded finding f-1 as reverted.']);
    expect(portal.resolutions).toEqual([
      {
        id: 'f-1',
        body: { resolution: 'reverted', note: 'rolled back the manual edit' },
      },
    ]);
  });

  it('checks the resolution before any request, and exits 2 naming what the portal refused', async () => {
    portal.findings.push(makeFinding('f-1'));
    await expect(run('drift', 'resolve', 'f-1', 'fixed')).rejects.toThrow(
      'the resolution must be harmless, reverted, committed, critical, not "fixed"',
    );
    expect(portal.requests).toEqual([]);

    const asService = await runBinary(['drift', 'resolve', 'f-1', 'harmless'], {
      HERMES_TOKEN: STATIC_TOKEN,
      HERMES_PORTAL_URL: portal.url,
    });
    expect(asService.code).toBe(2);
    expect(asService.stderr).toContain(
      '403: the portal refused POST /drift/findings/f-1/resolution for the token in HERMES_TOKEN; this needs a user token',
    );
    const unknown = await runBinary(['drift', 'resolve', 'f-9', 'harmless'], {
      HERMES_TOKEN: USER_TOKEN,
      HERMES_PORTAL_URL: portal.url,
    });
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: No finding f-9 (404 for POST /drift/findings/f-9/resolution)\n',
    });
    expect(portal.resolutions).toEqual([]);
  });

  it('asks for a token before any request, and names an unreachable portal; both exit 2', async () => {
    const noToken = await runBinary(['drift', 'findings'], {
      HERMES_PORTAL_URL: portal.url,
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^hermes: no token: set HERMES_TOKEN/);
    expect(portal.requests).toEqual([]);

    await portal.close();
    const down = await runBinary(
      ['drift', 'findings', '--portal', portal.url],
      {
        HERMES_TOKEN: USER_TOKEN,
      },
    );
    expect(down.code).toBe(2);
    expect(down.stderr).toBe(
      `hermes: cannot reach the portal at ${portal.url}/api/hermes: ECONNREFUSED\n`,
    );
    portal = await startLibraryPortal({
      user: USER_TOKEN,
      service: STATIC_TOKEN,
    });
  });
});
