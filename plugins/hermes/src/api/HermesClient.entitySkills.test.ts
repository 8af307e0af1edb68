import { HermesClient } from './HermesClient';

describe('HermesClient skills for an entity', () => {
  it('asks /entity-skills with the entity ref encoded, and surfaces a 404 with its message', async () => {
    const urls: string[] = [];
    const client = new HermesClient({
      discoveryApi: { getBaseUrl: async () => 'http://portal.test/api/hermes' },
      fetchApi: {
        fetch: async (url: RequestInfo | URL) => {
          urls.push(String(url));
          return String(url).includes('hidden')
            ? Response.json(
                {
                  error: {
                    name: 'NotFoundError',
                    message:
                      'No entity component:default/hidden, or you may not read it',
                  },
                  request: { method: 'GET', url: '/entity-skills' },
                  response: { statusCode: 404 },
                },
                { status: 404 },
              )
            : Response.json({
                entityRef: 'component:default/fraud-detector',
                windowDays: 30,
                skills: [],
              });
        },
      },
    });
    expect(
      await client.skillsForEntity('component:default/fraud-detector'),
    ).toEqual({
      entityRef: 'component:default/fraud-detector',
      windowDays: 30,
      skills: [],
    });
    expect(urls).toEqual([
      'http://portal.test/api/hermes/entity-skills?entityRef=component%3Adefault%2Ffraud-detector',
    ]);
    await expect(
      client.skillsForEntity('component:default/hidden'),
    ).rejects.toMatchObject({
      statusCode: 404,
      cause: {
        message: 'No entity component:default/hidden, or you may not read it',
      },
    });
  });
});
