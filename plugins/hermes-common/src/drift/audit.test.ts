import { KubernetesObject } from '../policy/documents';
import { SkillDocument } from '../skills';
import { auditDrift } from './audit';
import { formatDriftReport } from './report';
import { triageRulesFromSkills } from './triage';

const deployment = (
  spec: object,
  extra: Partial<KubernetesObject['metadata']> = {},
): KubernetesObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'feature-server', namespace: 'serving-stack', ...extra },
  spec,
});

const desired = deployment({
  replicas: 2,
  template: {
    spec: {
      containers: [
        {
          name: 'app',
          image: 'feature-server:1.4.2',
          resources: { limits: { cpu: '500m', memory: '1Gi' } },
        },
        { name: 'sidecar', image: 'envoy:1.30.1' },
      ],
    },
  },
});

const live = deployment(
  {
    replicas: 5,
    template: {
      spec: {
        // Reordered, defaulted and canonicalised by the server: none of it is drift.
        containers: [
          {
            name: 'sidecar',
            image: 'envoy:1.30.1',
            imagePullPolicy: 'IfNotPresent',
          },
          {
            name: 'app',
            image: 'feature-server:1.4.3',
            resources: { limits: { cpu: '0.5', memory: '1024Mi' } },
          },
        ],
      },
    },
  },
  {
    uid: 'u-1',
    resourceVersion: '42',
    annotations: { 'deployment.kubernetes.io/revision': '7' },
    managedFields: [
      {
        manager: 'argocd-controller',
        operation: 'Apply',
        time: '2026-11-20T10:00:00Z',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:template': {
              'f:spec': {
                'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } },
              },
            },
          },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'scale',
        time: '2026-11-24T01:05:00Z',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        time: '2026-11-24T03:00:00Z',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } },
              },
            },
          },
        },
      },
    ],
  },
);
(live as any).status = { replicas: 5 };

describe('auditDrift', () => {
  it('reports declared fields that differ, each attributed to the manager that last wrote it', () => {
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [desired],
      live: [live],
    });
    expect(finding).toMatchObject({
      type: 'modified',
      resource: { kind: 'Deployment', name: 'feature-server' },
    });
    expect(finding.changes).toEqual([
      {
        path: '/spec/replicas',
        desired: 2,
        live: 5,
        attribution: {
          manager: 'kube-controller-manager',
          operation: 'Update',
          subresource: 'scale',
          time: '2026-11-24T01:05:00Z',
          class: 'controller',
        },
      },
      {
        path: '/spec/template/spec/containers/1/image',
        desired: 'feature-server:1.4.2',
        live: 'feature-server:1.4.3',
        attribution: {
          manager: 'kubectl-edit',
          operation: 'Update',
          time: '2026-11-24T03:00:00Z',
          class: 'human',
        },
      },
    ]);
    // The most recent writer stands for the finding.
    expect(finding.attribution?.manager).toBe('kubectl-edit');
    expect(finding.classification).toBe('unknown');
  });

  it('ignores key order inside lists without merge keys', () => {
    const policy = (rules: object[]): KubernetesObject => ({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: { rules },
    });
    const git = policy([
      {
        name: 'r',
        validate: {
          foreach: [{ list: 'request.object.spec.containers', deny: {} }],
        },
      },
    ]);
    const cluster = policy([
      {
        name: 'r',
        validate: {
          foreach: [{ deny: {}, list: 'request.object.spec.containers' }],
        },
      },
    ]);
    expect(
      auditDrift({ cluster: 'c', desired: [git], live: [cluster] }),
    ).toEqual([]);
    const changed = policy([
      {
        name: 'r',
        validate: {
          foreach: [{ deny: {}, list: 'request.object.spec.initContainers' }],
        },
      },
    ]);
    expect(
      auditDrift({
        cluster: 'c',
        desired: [git],
        live: [changed],
      })[0].changes.map(c => c.path),
    ).toEqual(['/spec/rules/0/validate/foreach/0/list']);
  });

  it('reports nothing when Git and the cluster agree', () => {
    expect(
      auditDrift({ cluster: 'c', desired: [desired], live: [desired] }),
    ).toEqual([]);
  });

  it('honours ignoreDifferences by JSON pointer and by field manager', () => {
    const byPointer = auditDrift({
      cluster: 'c',
      desired: [desired],
      live: [live],
      ignoreDifferences: [
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      ],
    });
    expect(byPointer[0].changes.map(c => c.path)).toEqual([
      '/spec/template/spec/containers/1/image',
    ]);
    const byManager = auditDrift({
      cluster: 'c',
      desired: [desired],
      live: [live],
      ignoreDifferences: [
        {
          kind: 'Deployment',
          managedFieldsManagers: ['kube-controller-manager', 'kubectl-edit'],
        },
      ],
    });
    expect(byManager).toEqual([]);
  });

  it('reports objects missing from the cluster, and extra objects only of watched kinds', () => {
    const policy: KubernetesObject = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: {
        name: 'allow-debug-pods',
        managedFields: [
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            time: '2026-11-22T18:00:00Z',
            fieldsV1: { 'f:metadata': {}, 'f:spec': {} },
          },
        ],
      },
      spec: {},
    };
    const pod: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'serving-stack' },
    };
    const findings = auditDrift({
      cluster: 'c',
      desired: [desired],
      live: [policy, pod],
      watchedKinds: ['ClusterPolicy'],
    });
    expect(
      findings.map(f => [
        f.type,
        f.resource.kind,
        f.resource.name,
        f.attribution?.manager,
      ]),
    ).toEqual([
      ['missing', 'Deployment', 'feature-server', undefined],
      [
        'extra',
        'ClusterPolicy',
        'allow-debug-pods',
        'kubectl-client-side-apply',
      ],
    ]);
  });

  it('limits the audit to the given namespaces', () => {
    expect(
      auditDrift({
        cluster: 'c',
        desired: [desired],
        live: [live],
        namespaces: ['ml-registry'],
      }),
    ).toEqual([]);
  });

  it('never lets a Secret value into a finding or the report', () => {
    const secret = (
      data: Record<string, string>,
      extra: object = {},
    ): KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ml-registry', ...extra },
      data,
    });
    const findings = auditDrift({
      cluster: 'c',
      desired: [
        {
          ...secret({}),
          stringData: {
            username: 'svc-account-7f',
            password: 'hunter2-in-git',
          },
        } as KubernetesObject,
      ],
      live: [
        secret(
          {
            username: btoa('svc-account-7f'),
            password: btoa('s3cret-live-value'),
          },
          {
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': `{"stringData":{"password":"hunter2-in-git"}}`,
            },
            managedFields: [
              {
                manager: 'kubectl-edit',
                operation: 'Update',
                time: '2026-11-24T00:30:00Z',
                fieldsV1: { 'f:data': { 'f:password': {} } },
              },
            ],
          },
        ),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].changes).toEqual([
      {
        path: '/data/password',
        redacted: true,
        attribution: expect.objectContaining({ manager: 'kubectl-edit' }),
      },
    ]);
    const everything =
      JSON.stringify(findings) + formatDriftReport({ cluster: 'c', findings });
    for (const value of [
      'hunter2-in-git',
      's3cret-live-value',
      btoa('s3cret-live-value'),
      'svc-account-7f',
    ]) {
      expect(everything).not.toContain(value);
    }
    expect(formatDriftReport({ cluster: 'c', findings })).toContain(
      '/data/password: Secret value differs (withheld)',
    );
  });
});

describe('triage', () => {
  const skill = (name: string, triage: unknown): SkillDocument => ({
    name,
    description: 'd',
    body: '',
    metadata: { hermes: { triage } },
  });
  const skills = [
    skill('autoscaling', [
      {
        match: {
          kinds: ['Deployment'],
          paths: ['/spec/replicas'],
          managerClasses: ['controller'],
        },
        classify: 'harmless',
        reason: 'an autoscaler owns replicas.',
      },
    ]),
    skill('hand-edits', [
      {
        match: {
          kinds: ['Deployment'],
          managerClasses: ['human'],
          paths: ['/spec/template/*'],
        },
        classify: 'critical',
        reason: 'a person changed the pod template.',
        recommend: 'Revert it or commit it to Git.',
      },
    ]),
  ];

  it('classifies each changed field and takes the most severe, naming the skill', () => {
    const { rules, problems } = triageRulesFromSkills(skills);
    expect(problems).toEqual([]);
    const [finding] = auditDrift({
      cluster: 'c',
      desired: [desired],
      live: [live],
      triageRules: rules,
    });
    expect(finding).toMatchObject({
      classification: 'critical',
      skill: 'hand-edits',
      reason: 'a person changed the pod template.',
      recommend: 'Revert it or commit it to Git.',
    });
  });

  it('is harmless only when every changed field is covered by a harmless rule', () => {
    const { rules } = triageRulesFromSkills([skills[0]]);
    const onlyReplicas = deployment(
      { ...(desired.spec as object), replicas: 5 },
      live.metadata,
    );
    expect(
      auditDrift({
        cluster: 'c',
        desired: [desired],
        live: [onlyReplicas],
        triageRules: rules,
      })[0],
    ).toMatchObject({
      classification: 'harmless',
      skill: 'autoscaling',
    });
    expect(
      auditDrift({
        cluster: 'c',
        desired: [desired],
        live: [live],
        triageRules: rules,
      })[0],
    ).toMatchObject({
      classification: 'unknown',
      reason: 'no triage rule matches',
    });
  });

  it('reports malformed rules with the skill and the field', () => {
    const { rules, problems } = triageRulesFromSkills([
      skill('broken', [
        { match: { kinds: 'Deployment' }, classify: 'fine', reason: 'x' },
      ]),
      skill('not-a-list', { classify: 'harmless' }),
    ]);
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      {
        skill: 'broken',
        message: expect.stringMatching(
          /^metadata\.hermes\.triage\[0\]: classify: /,
        ),
      },
      {
        skill: 'not-a-list',
        message: 'metadata.hermes.triage must be a list of rules',
      },
    ]);
  });
});

describe('formatDriftReport', () => {
  it('groups by namespace with a header that counts findings by classification', () => {
    const findings = auditDrift({
      cluster: 'neuroscale-prod',
      desired: [desired],
      live: [live],
    });
    const report = formatDriftReport({
      cluster: 'neuroscale-prod',
      findings,
      time: new Date('2026-11-24T12:00:00Z'),
    });
    expect(report.split('\n')).toEqual([
      'Drift Audit — 2026-11-24 12:00 UTC · cluster neuroscale-prod · 1 namespace with drift · 1 finding (1 unknown)',
      '',
      'serving-stack: 1 finding (1 unknown)',
      '  UNKNOWN  Deployment feature-server: 2 fields differ from Git',
      '           /spec/replicas: 2 in Git, 5 live',
      '           /spec/template/spec/containers/1/image: "feature-server:1.4.2" in Git, "feature-server:1.4.3" live',
      '           last written by kubectl-edit (human, Update) at 2026-11-24 03:00 UTC',
      '           no skill classifies this drift; review it',
    ]);
  });
});
