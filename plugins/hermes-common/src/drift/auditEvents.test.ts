import {
  correlateAuditEvents,
  KubernetesAuditEvent,
  parseAuditEvents,
  readAuditEvents,
} from './auditEvents';
import { DriftFinding } from './types';

const finding: DriftFinding = {
  fingerprint: 'f',
  cluster: 'c',
  resource: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    name: 'require-resource-limits',
  },
  labels: {},
  type: 'modified',
  changes: [
    {
      path: '/spec/rules/0/validate/failureAction',
      desired: 'Enforce',
      live: 'Audit',
      attribution: {
        manager: 'kubectl-edit',
        operation: 'Update',
        time: '2026-11-24T03:12:00Z',
        class: 'human',
      },
    },
  ],
  classification: 'critical',
  attribution: {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-11-24T03:12:00Z',
    class: 'human',
  },
};

const event = (
  overrides: Partial<KubernetesAuditEvent>,
): KubernetesAuditEvent => ({
  verb: 'update',
  stage: 'ResponseComplete',
  user: { username: 'ops-admin' },
  objectRef: {
    apiGroup: 'kyverno.io',
    resource: 'clusterpolicies',
    name: 'require-resource-limits',
  },
  requestURI:
    '/apis/kyverno.io/v1/clusterpolicies/require-resource-limits?fieldManager=kubectl-edit',
  stageTimestamp: '2026-11-24T03:12:00.412Z',
  responseStatus: { code: 200 },
  ...overrides,
});

describe('correlateAuditEvents', () => {
  it('names the user of the write to the same object at the time of the change', () => {
    const [result] = correlateAuditEvents([finding], [event({})]);
    expect(result.attribution?.user).toBe('ops-admin');
    expect(result.changes[0].attribution?.user).toBe('ops-admin');
  });

  it.each([
    ['a read', { verb: 'get' }],
    ['a failed write', { responseStatus: { code: 409 } }],
    [
      'another object',
      {
        objectRef: {
          apiGroup: 'kyverno.io',
          resource: 'clusterpolicies',
          name: 'other',
        },
      },
    ],
    [
      'another API group',
      {
        objectRef: {
          apiGroup: 'wgpolicyk8s.io',
          resource: 'clusterpolicies',
          name: 'require-resource-limits',
        },
      },
    ],
    ['a write long before', { stageTimestamp: '2026-11-24T02:00:00Z' }],
  ])('ignores %s', (_, overrides) => {
    const [result] = correlateAuditEvents(
      [finding],
      [event(overrides as Partial<KubernetesAuditEvent>)],
    );
    expect(result.attribution?.user).toBeUndefined();
  });

  it('prefers the event whose field manager matches the attribution', () => {
    const [result] = correlateAuditEvents(
      [finding],
      [
        event({
          user: { username: 'argocd' },
          requestURI:
            '/apis/kyverno.io/v1/clusterpolicies/x?fieldManager=argocd-controller',
        }),
        event({ user: { username: 'ops-admin' } }),
      ],
    );
    expect(result.attribution?.user).toBe('ops-admin');
  });
});

describe('parseAuditEvents', () => {
  it('reads JSON lines and EventLists, and counts lines that are not JSON', () => {
    const text = [
      JSON.stringify(event({})),
      JSON.stringify({ kind: 'EventList', items: [event({ verb: 'patch' })] }),
      'not json',
      '',
    ].join('\n');
    const { events, skipped } = parseAuditEvents(text);
    expect(events.map(e => e.verb)).toEqual(['update', 'patch']);
    expect(skipped).toBe(1);
  });
});

describe('reading audit events from hostile input', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'update'],
    ['a list', [event({})]],
    ['a verb that is not a string', { ...event({}), verb: ['update'] }],
    ['a user that is not a map', { ...event({}), user: 'ops-admin' }],
    [
      'a username that is not a string',
      event({ user: { username: {} as any } }),
    ],
    ['an objectRef that is not a map', { ...event({}), objectRef: [] }],
    [
      'an object name that is not a string',
      event({ objectRef: { name: 7 as any } }),
    ],
    [
      'a status code that is not a number',
      event({ responseStatus: { code: '200' as any } }),
    ],
    ['a time that is not a time', event({ stageTimestamp: 'yesterday' })],
    [
      'a time no database holds',
      event({ requestReceivedTimestamp: '-271821-04-20T00:00:00Z' }),
    ],
  ])('skips and counts %s', (_, entry) => {
    const text = [
      JSON.stringify(entry),
      JSON.stringify({ kind: 'EventList', items: [entry, event({})] }),
      JSON.stringify(event({ verb: 'patch' })),
    ].join('\n');
    const { events, skipped } = parseAuditEvents(text);
    expect(events.map(e => e.verb)).toEqual(['update', 'patch']);
    expect(skipped).toBe(2);
    // What is kept still correlates, and nothing malformed reaches correlation.
    expect(correlateAuditEvents([finding], events)[0].attribution?.user).toBe(
      'ops-admin',
    );
  });

  it('correlates despite a field manager that is not valid percent-encoding', () => {
    const [result] = correlateAuditEvents(
      [finding],
      [event({ requestURI: '/apis/x?fieldManager=kubectl%E0%A4%A' })],
    );
    expect(result.attribution?.user).toBe('ops-admin');
  });

  it('keeps only the fields correlation uses, not request or response bodies', () => {
    const { events } = readAuditEvents([
      {
        ...event({}),
        requestObject: { data: { password: 'c2VjcmV0' } },
        responseObject: { data: { password: 'c2VjcmV0' } },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('c2VjcmV0');
    expect(events).toEqual([event({})]);
  });
});
