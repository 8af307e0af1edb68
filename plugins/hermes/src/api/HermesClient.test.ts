import { HermesClient } from './HermesClient';

describe('HermesClient agent routes', () => {
  it('searches, deletes and gives feedback on the routes the backend serves', async () => {
    const calls: Array<{ url: string; method: string; body?: unknown }> = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL, init?: RequestInit) => {
          calls.push({
            url: String(url),
            method: init?.method ?? 'GET',
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          return String(url).includes('/sessions?')
            ? Response.json({ sessions: [{ id: 's1', title: 'Kyverno' }] })
            : new Response(null, { status: 204 });
        },
      },
    });

    expect(
      await client.listSessions({
        q: 'require limits',
        entityRef: 'component:default/fraud-detector',
      }),
    ).toEqual([{ id: 's1', title: 'Kyverno' }]);
    await client.deleteSession('s1');
    await client.sendFeedback('trace/7', 'down', 'wrong namespace');

    expect(calls).toEqual([
      {
        url: 'http://portal.test/api/hermes/sessions?q=require+limits&entityRef=component%3Adefault%2Ffraud-detector',
        method: 'GET',
      },
      { url: 'http://portal.test/api/hermes/sessions/s1', method: 'DELETE' },
      {
        url: 'http://portal.test/api/hermes/traces/trace%2F7/feedback',
        method: 'POST',
        body: { rating: 'down', comment: 'wrong namespace' },
      },
    ]);
  });
});

describe('HermesClient skills routes', () => {
  function recordingClient(respond: (url: string) => Response) {
    const calls: Array<{ url: string; method: string; body?: unknown }> = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL, init?: RequestInit) => {
          calls.push({
            url: String(url),
            method: init?.method ?? 'GET',
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          return respond(String(url));
        },
      },
    });
    return { client, calls };
  }

  it('calls the routes the backend serves and unwraps their answers', async () => {
    const { client, calls } = recordingClient(url => {
      if (url.includes('/skills?')) {
        return Response.json({ skills: [{ name: 'kyverno-drift-response' }] });
      }
      if (url.includes('/diff')) {
        return Response.json({ from: 1, to: 2, diff: '+new line' });
      }
      if (url.endsWith('/export')) {
        return Response.json({
          files: [{ path: 'SKILL.md', content: '---' }],
        });
      }
      return Response.json({ name: 'x', version: 3 });
    });

    expect(await client.listSkills({ q: 'policy bypass' })).toEqual([
      { name: 'kyverno-drift-response' },
    ]);
    expect(await client.diffSkillVersions('my/skill', 1, 2)).toBe('+new line');
    await client.saveSkill('my-skill', '---\nname: my-skill', 'clearer steps');
    await client.rollbackSkill('my-skill', 1);
    await client.approveSkillVersion('my-skill', 4);
    await client.rejectSkillVersion('my-skill', 5, 'too vague');
    expect(await client.exportSkill('my-skill')).toEqual([
      { path: 'SKILL.md', content: '---' },
    ]);
    await client.importSkill([{ path: 'my-skill/SKILL.md', content: '---' }]);

    const base = 'http://portal.test/api/hermes/skills';
    expect(calls).toEqual([
      { url: `${base}?q=policy%20bypass`, method: 'GET' },
      { url: `${base}/my%2Fskill/diff?from=1&to=2`, method: 'GET' },
      {
        url: `${base}/my-skill`,
        method: 'PUT',
        body: { document: '---\nname: my-skill', message: 'clearer steps' },
      },
      {
        url: `${base}/my-skill/rollback`,
        method: 'POST',
        body: { version: 1 },
      },
      { url: `${base}/my-skill/versions/4/approve`, method: 'POST' },
      {
        url: `${base}/my-skill/versions/5/reject`,
        method: 'POST',
        body: { reason: 'too vague' },
      },
      { url: `${base}/my-skill/export`, method: 'GET' },
      {
        url: `${base}/import`,
        method: 'POST',
        body: { files: [{ path: 'my-skill/SKILL.md', content: '---' }] },
      },
    ]);
  });

  it("rejects with the server's reason when a save is refused", async () => {
    const { client } = recordingClient(() =>
      Response.json(
        {
          error: {
            name: 'InputError',
            message: 'skill "my-skill" contains what looks like a GitHub token',
          },
          response: { statusCode: 400 },
        },
        { status: 400 },
      ),
    );
    await expect(client.saveSkill('my-skill', 'text')).rejects.toMatchObject({
      body: {
        error: {
          message: 'skill "my-skill" contains what looks like a GitHub token',
        },
      },
    });
  });
});

describe('HermesClient tasks routes', () => {
  function recordingClient(respond: (url: string, method: string) => Response) {
    const calls: Array<{ url: string; method: string; body?: unknown }> = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL, init?: RequestInit) => {
          const method = init?.method ?? 'GET';
          calls.push({
            url: String(url),
            method,
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          return respond(String(url), method);
        },
      },
    });
    return { client, calls };
  }

  it('calls the task, delivery and preview routes and unwraps their lists', async () => {
    const { client, calls } = recordingClient((url, method) => {
      if (method === 'DELETE') return new Response(null, { status: 204 });
      if (url.includes('/runs'))
        return Response.json({ items: [{ id: 'r1' }] });
      if (url.endsWith('/channels')) {
        return Response.json({
          items: [{ name: 'portal', type: 'notifications' }],
        });
      }
      if (
        url.includes('/tasks?') ||
        (url.endsWith('/tasks') && method === 'GET')
      ) {
        return Response.json({ items: [{ id: 't1' }] });
      }
      return Response.json({ id: 'x' });
    });

    expect(
      await client.listTasks({ entityRef: 'component:default/fraud-detector' }),
    ).toEqual([{ id: 't1' }]);
    expect(await client.listTasks()).toEqual([{ id: 't1' }]);
    await client.createTask({
      name: 'prod drift',
      kind: 'drift-audit',
      audit: 'neuroscale-prod',
      schedule: 'every 6h',
      deliver: ['portal'],
    });
    await client.getTask('t/1');
    await client.updateTask('t1', { enabled: false });
    await client.deleteTask('t1');
    await client.runTask('t1');
    expect(await client.listTaskRuns('t1', { limit: 5 })).toEqual([
      { id: 'r1' },
    ]);
    await client.listTaskRuns('t1');
    await client.previewSchedule('weekdays at 8am', 'Europe/Berlin');
    await client.previewSchedule('every 6h');
    await client.retryDelivery('d1');
    expect(await client.listDeliveryChannels()).toEqual([
      { name: 'portal', type: 'notifications' },
    ]);

    const base = 'http://portal.test/api/hermes';
    expect(calls).toEqual([
      {
        url: `${base}/tasks?entityRef=component%3Adefault%2Ffraud-detector`,
        method: 'GET',
      },
      { url: `${base}/tasks`, method: 'GET' },
      {
        url: `${base}/tasks`,
        method: 'POST',
        body: {
          name: 'prod drift',
          kind: 'drift-audit',
          audit: 'neuroscale-prod',
          schedule: 'every 6h',
          deliver: ['portal'],
        },
      },
      { url: `${base}/tasks/t%2F1`, method: 'GET' },
      { url: `${base}/tasks/t1`, method: 'PATCH', body: { enabled: false } },
      { url: `${base}/tasks/t1`, method: 'DELETE' },
      { url: `${base}/tasks/t1/run`, method: 'POST' },
      { url: `${base}/tasks/t1/runs?limit=5`, method: 'GET' },
      { url: `${base}/tasks/t1/runs`, method: 'GET' },
      {
        url: `${base}/tasks/schedule-preview?text=weekdays+at+8am&timezone=Europe%2FBerlin`,
        method: 'GET',
      },
      {
        url: `${base}/tasks/schedule-preview?text=every+6h`,
        method: 'GET',
      },
      { url: `${base}/deliveries/d1/retry`, method: 'POST' },
      { url: `${base}/delivery/channels`, method: 'GET' },
    ]);
  });

  it('rejects with the accepted forms when a schedule cannot be read', async () => {
    const message =
      'Cannot read the schedule "whenever": use a cron expression, "every 6h" or "daily at 09:00"';
    const { client } = recordingClient(() =>
      Response.json(
        {
          error: { name: 'InputError', message },
          response: { statusCode: 400 },
        },
        { status: 400 },
      ),
    );
    await expect(client.previewSchedule('whenever')).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { message } },
    });
  });
});

describe('HermesClient learning routes', () => {
  it('calls the learning routes and unwraps their lists', async () => {
    const calls: Array<{ url: string; method: string; body?: unknown }> = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL, init?: RequestInit) => {
          const method = init?.method ?? 'GET';
          calls.push({
            url: String(url),
            method,
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          const path = String(url);
          if (path.endsWith('/run'))
            return Response.json({
              candidates: [{ id: 'c1' }],
              reflection: { status: 'skipped', reason: 'no model' },
            });
          if (path.includes('/reflections'))
            return Response.json({ items: [{ id: 'r1' }] });
          if (path.includes('/candidates?') || path.endsWith('/candidates'))
            return Response.json({ items: [{ id: 'c2' }] });
          if (path.endsWith('/metrics'))
            return Response.json({ audits: [{ auditId: 'a1' }], skills: [] });
          return Response.json({ id: 'c3', status: 'approved' });
        },
      },
    });

    expect(await client.runLearning()).toEqual({
      candidates: [{ id: 'c1' }],
      reflection: { status: 'skipped', reason: 'no model' },
    });
    expect(await client.listReflections()).toEqual([{ id: 'r1' }]);
    expect(await client.listReflections({ limit: 5 })).toEqual([{ id: 'r1' }]);
    expect(await client.listCandidates()).toEqual([{ id: 'c2' }]);
    expect(await client.listCandidates({ status: 'proposed' })).toEqual([
      { id: 'c2' },
    ]);
    expect(await client.approveCandidate('c/3')).toEqual({
      id: 'c3',
      status: 'approved',
    });
    await client.rejectCandidate('c4', 'too broad');
    await client.rejectCandidate('c5');
    expect(await client.learningMetrics()).toEqual({
      audits: [{ auditId: 'a1' }],
      skills: [],
    });

    const base = 'http://portal.test/api/hermes/learning';
    expect(calls).toEqual([
      { url: `${base}/run`, method: 'POST' },
      { url: `${base}/reflections`, method: 'GET' },
      { url: `${base}/reflections?limit=5`, method: 'GET' },
      { url: `${base}/candidates`, method: 'GET' },
      { url: `${base}/candidates?status=proposed`, method: 'GET' },
      { url: `${base}/candidates/c%2F3/approve`, method: 'POST' },
      {
        url: `${base}/candidates/c4/reject`,
        method: 'POST',
        body: { reason: 'too broad' },
      },
      { url: `${base}/candidates/c5/reject`, method: 'POST', body: {} },
      { url: `${base}/metrics`, method: 'GET' },
    ]);
  });

  it('rejects with the server message when an approval is refused', async () => {
    const message =
      'Approving a learned rule needs the hermes.skills.approve permission';
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async () =>
          Response.json(
            {
              error: { name: 'NotAllowedError', message },
              response: { statusCode: 403 },
            },
            { status: 403 },
          ),
      },
    });
    await expect(client.approveCandidate('c1')).rejects.toMatchObject({
      statusCode: 403,
      body: { error: { message } },
    });
  });
});

describe('HermesClient status routes', () => {
  it('checks the models with a POST, so a page view never triggers one', async () => {
    const calls: Array<{ url: string; method: string }> = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL, init?: RequestInit) => {
          calls.push({ url: String(url), method: init?.method ?? 'GET' });
          return Response.json({
            checkedAt: '2026-05-23T12:00:00Z',
            models: [],
          });
        },
      },
    });
    expect(await client.checkModels()).toEqual({
      checkedAt: '2026-05-23T12:00:00Z',
      models: [],
    });
    expect(calls).toEqual([
      {
        url: 'http://portal.test/api/hermes/status/models/check',
        method: 'POST',
      },
    ]);
  });
});
