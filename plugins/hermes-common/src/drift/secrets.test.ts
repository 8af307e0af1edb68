import { KubernetesObject } from '../policy/documents';
import { auditDrift } from './audit';
import { formatDriftReport } from './report';

// Every value below is secret: none of them, nor its base64, may appear in a finding or a
// report, whatever shape the desired document has where the cluster holds them.
const LIVE_PASSWORD = 'live-password-5f1c';
const LIVE_TOKEN = 'live-string-token-9a7e';
const GIT_PASSWORD = 'git-password-c0d3';
const GIT_TOKEN = 'git-string-token-77b2';
const APPLIED_PASSWORD = 'applied-password-e4f8';
const APPLIED_TOKEN = 'applied-string-token-1d6b';
const MANAGED_MARKER = 'managed-set-value-3c9a';
const SECRETS = [
  LIVE_PASSWORD,
  LIVE_TOKEN,
  GIT_PASSWORD,
  GIT_TOKEN,
  APPLIED_PASSWORD,
  APPLIED_TOKEN,
  MANAGED_MARKER,
];

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** A desired document without the field at all. */
const MISSING = Symbol('missing');

/** What `kubectl apply` leaves on the object: a copy of the applied document. */
const lastApplied = (kind: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind,
    metadata: { name: 'creds', namespace: 'ml-registry' },
    data: { password: btoa(APPLIED_PASSWORD) },
    stringData: { token: APPLIED_TOKEN },
  });

const live = (kind: 'Secret' | 'ConfigMap'): KubernetesObject => ({
  apiVersion: 'v1',
  kind,
  metadata: {
    name: 'creds',
    namespace: 'ml-registry',
    labels: { app: 'registry' },
    annotations: { owner: 'platform', [LAST_APPLIED]: lastApplied(kind) },
    managedFields: [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        time: '2026-11-24T00:30:00Z',
        fieldsV1: {
          'f:data': { 'f:password': {} },
          'f:metadata': {
            'f:annotations': { [`f:${LAST_APPLIED}`]: {} },
            'f:finalizers': { [`v:"${MANAGED_MARKER}"`]: {} },
          },
        },
      },
    ],
  },
  // A snapshot may hold stringData as written, not only the data the server keeps.
  data: { password: btoa(LIVE_PASSWORD) },
  stringData: { token: LIVE_TOKEN },
});

/** The desired document: the live one as Git would hold it, with one field set to `value`. */
function desired(
  kind: 'Secret' | 'ConfigMap',
  field: 'data' | 'stringData' | 'annotations' | 'managedFields',
  value: unknown,
): KubernetesObject {
  const metadata: Record<string, unknown> = {
    name: 'creds',
    namespace: 'ml-registry',
    labels: { app: 'registry' },
  };
  const object: Record<string, unknown> = {
    apiVersion: 'v1',
    kind,
    metadata,
  };
  if (value === MISSING) return object as KubernetesObject;
  if (field === 'annotations' || field === 'managedFields')
    metadata[field] = value;
  else object[field] = value;
  return object as KubernetesObject;
}

const SHAPES: Record<
  'data' | 'stringData' | 'annotations' | 'managedFields',
  Array<[string, unknown]>
> = {
  data: [
    ['null', null],
    ['a string', GIT_PASSWORD],
    ['a list', [btoa(GIT_PASSWORD)]],
    ['a map', { password: btoa(GIT_PASSWORD) }],
    ['missing', MISSING],
  ],
  stringData: [
    ['null', null],
    ['a string', GIT_TOKEN],
    ['a list', [GIT_TOKEN]],
    ['a map', { token: GIT_TOKEN }],
    ['missing', MISSING],
  ],
  annotations: [
    ['null', null],
    ['a string', 'owner=platform'],
    ['a list', ['owner', 'platform']],
    [
      'a map',
      {
        owner: 'apps-team',
        // Exported from a cluster and committed: the copy in Git is as secret as the live one.
        [LAST_APPLIED]: JSON.stringify({ stringData: { token: GIT_TOKEN } }),
      },
    ],
    ['missing', MISSING],
  ],
  managedFields: [
    ['null', null],
    ['a string', 'kubectl'],
    ['a list', [{ manager: 'kubectl', fieldsV1: { 'f:data': {} } }]],
    ['a map', { manager: 'kubectl' }],
    ['missing', MISSING],
  ],
};

const where = {
  data: 'data',
  stringData: 'stringData',
  annotations: 'metadata.annotations (last-applied-configuration live)',
  managedFields: 'metadata.managedFields',
} as const;

const cases = (['Secret', 'ConfigMap'] as const).flatMap(kind =>
  (Object.keys(SHAPES) as Array<keyof typeof SHAPES>)
    // A ConfigMap's data is not secret; its last-applied copy and managedFields are checked.
    .filter(field => kind === 'Secret' || !field.toLowerCase().includes('data'))
    .flatMap(field =>
      SHAPES[field].map(
        ([shape, value]) =>
          [
            `${kind} with ${where[field]} ${
              shape === 'missing' ? 'missing' : `as ${shape}`
            } in Git`,
            kind,
            field,
            value,
          ] as const,
      ),
    ),
);

describe('secret values in findings', () => {
  it.each(cases)(
    '%s: no secret value reaches a finding or the report',
    (_, kind, field, value) => {
      const findings = auditDrift({
        cluster: 'c',
        desired: [desired(kind, field, value)],
        live: [live(kind)],
      });
      const everything = `${JSON.stringify(findings)}\n${formatDriftReport({
        cluster: 'c',
        findings,
      })}`;
      for (const secret of SECRETS) {
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(btoa(secret));
      }
      expect(everything).not.toContain('fieldsV1');
    },
  );

  it.each([null, 'x', ['x'], { team: 'ml' }, MISSING])(
    'a last-applied copy inside a pod template never reaches a finding (desired template annotations: %p)',
    value => {
      const template = (annotations: unknown) => ({
        metadata: {
          labels: { app: 'registry' },
          ...(annotations === MISSING ? {} : { annotations }),
        },
        spec: { containers: [{ name: 'registry', image: 'registry:2' }] },
      });
      const deployment = (annotations: unknown): KubernetesObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'registry', namespace: 'ml-registry' },
        spec: { template: template(annotations) },
      });
      const findings = auditDrift({
        cluster: 'c',
        desired: [deployment(value)],
        live: [
          deployment({
            team: 'serving',
            [LAST_APPLIED]: lastApplied('Secret'),
          }),
        ],
      });
      const everything = JSON.stringify(findings);
      expect(everything).not.toContain(LAST_APPLIED);
      expect(everything).not.toContain(APPLIED_TOKEN);
      expect(everything).not.toContain(btoa(APPLIED_PASSWORD));
      // The template's own annotation drift is still reported (fields Git leaves out are not).
      expect(everything.includes('serving')).toBe(value !== MISSING);
    },
  );

  it('still reports the drift of an empty annotations map, with the last-applied value withheld', () => {
    const git = desired('Secret', 'annotations', null);
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [{ ...git, data: { password: btoa(LIVE_PASSWORD) } }],
      live: [live('Secret')],
    });
    expect(finding.changes).toEqual([
      {
        path: '/metadata/annotations',
        desired: null,
        live: { owner: 'platform' },
        attribution: expect.objectContaining({
          manager: 'kubectl-client-side-apply',
        }),
      },
    ]);
  });

  it("takes an empty annotations map in Git and only kubectl's own annotation live as no drift", () => {
    const git = desired('ConfigMap', 'annotations', null);
    const cluster = live('ConfigMap');
    cluster.metadata.annotations = { [LAST_APPLIED]: lastApplied('ConfigMap') };
    expect(
      auditDrift({
        cluster: 'c',
        desired: [{ ...git, data: cluster.data }],
        live: [{ ...cluster, stringData: undefined } as KubernetesObject],
      }),
    ).toEqual([]);
  });

  it('reads a live object whose managedFields is not a list, without attribution', () => {
    const cluster = live('ConfigMap');
    cluster.metadata.managedFields = { manager: 'kubectl' };
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [desired('ConfigMap', 'annotations', { owner: 'apps-team' })],
      live: [cluster],
    });
    expect(finding.changes).toEqual([
      {
        path: '/metadata/annotations/owner',
        desired: 'apps-team',
        live: 'platform',
      },
    ]);
  });

  it('reports a Secret whose data is not a map as one withheld change', () => {
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [desired('Secret', 'data', GIT_PASSWORD)],
      live: [live('Secret')],
    });
    expect(finding.changes).toEqual([
      {
        path: '/data',
        redacted: true,
        attribution: expect.objectContaining({
          manager: 'kubectl-client-side-apply',
        }),
      },
    ]);
  });

  it('takes only string labels into a finding', () => {
    const git = desired('Secret', 'data', MISSING);
    (git.metadata as Record<string, unknown>).labels = 'app=registry';
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [{ ...git, spec: { x: 1 } } as KubernetesObject],
      live: [live('Secret')],
    });
    expect(finding.labels).toEqual({ app: 'registry' });
  });
});
