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
