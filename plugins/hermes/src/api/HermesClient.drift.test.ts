import { HermesClient } from './HermesClient';

describe('HermesClient drift findings routes', () => {
  it('sends the filters, reads the page, resolves with details and undoes', async () => {
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
          if (method === 'DELETE')
            return Response.json({ undone: { id: 'e1', undoneAt: 'now' } });
          if (method === 'POST') return new Response(null, { status: 204 });
          return Response.json({
            findings: [{ id: '7' }],
            total: 61,
            limit: 20,
            offset: 40,
          });
        },
      },
    });

    expect(
      await client.pageFindings({
        cluster: 'prod',
        namespace: '',
        classification: 'critical',
        state: 'all',
        limit: 20,
        offset: 40,
      }),
    ).toEqual({ findings: [{ id: '7' }], total: 61, limit: 20, offset: 40 });
    expect(
      await client.listFindings({ entityRef: 'component:default/x' }),
    ).toEqual([{ id: '7' }]);
    await client.resolveFinding('7', 'reverted', {
      comment: 'rolled back',
      ticket: 'https://tickets.example/OPS-7',
    });
    expect(await client.undoResolution('7')).toEqual({
      id: 'e1',
      undoneAt: 'now',
    });

    expect(calls).toEqual([
      {
        url: 'http://portal.test/api/hermes/drift/findings?cluster=prod&classification=critical&state=all&limit=20&offset=40',
        method: 'GET',
      },
      {
        url: 'http://portal.test/api/hermes/drift/findings?entityRef=component%3Adefault%2Fx',
        method: 'GET',
      },
      {
        url: 'http://portal.test/api/hermes/drift/findings/7/resolution',
        method: 'POST',
        body: {
          resolution: 'reverted',
          comment: 'rolled back',
          ticket: 'https://tickets.example/OPS-7',
        },
      },
      {
        url: 'http://portal.test/api/hermes/drift/findings/7/resolution',
        method: 'DELETE',
      },
    ]);
  });

  it('reads one audit run by its id, encoded in the path', async () => {
    const urls: string[] = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL) => {
          urls.push(String(url));
          return Response.json({ id: 'a/1', cluster: 'prod' });
        },
      },
    });
    expect(await client.getAudit('a/1')).toEqual({
      id: 'a/1',
      cluster: 'prod',
    });
    expect(urls).toEqual(['http://portal.test/api/hermes/drift/audits/a%2F1']);
  });

  it('asks for a page of audit runs, or the default page', async () => {
    const urls: string[] = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL) => {
          urls.push(String(url));
          return Response.json({
            definitions: ['prod'],
            audits: [],
            total: 31,
          });
        },
      },
    });
    expect(await client.listAudits({ limit: 10, offset: 20 })).toEqual({
      definitions: ['prod'],
      audits: [],
      total: 31,
    });
    await client.listAudits();
    expect(urls).toEqual([
      'http://portal.test/api/hermes/drift/audits?limit=10&offset=20',
      'http://portal.test/api/hermes/drift/audits',
    ]);
  });
});
