import {
  DriftFindingRecord,
  parseSkillDocument,
  SkillFile,
} from '@hermes-backstage/plugin-hermes-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A loopback server shaped like the Hermes skills and drift routes (skills/router.ts and
 * drift/router.ts of hermes-backend): Backstage error bodies, a user token and a static
 * token that Backstage treats as a service principal.
 */
export async function startLibraryPortal(tokens: {
  user: string;
  service: string;
}) {
  const skills = new Map<string, { files: SkillFile[]; version: number }>();
  const findings: DriftFindingRecord[] = [];
  const resolutions: Array<{ id: string; body: any }> = [];
  const requests: Array<{ method: string; url: string; body?: any }> = [];

  const server = http.createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: req.method!, url: req.url!, body });
    const fail = (status: number, name: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { name, message } }));
    };
    const send = (status: number, json?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const auth = req.headers.authorization;
    const principal =
      // eslint-disable-next-line no-nested-ternary
      auth === `Bearer ${tokens.user}`
        ? 'user'
        : auth === `Bearer ${tokens.service}`
        ? 'service'
        : undefined;
    if (!principal) {
      fail(401, 'AuthenticationError', 'Illegal token');
      return;
    }
    const userOnly = () => {
      if (principal === 'user') return true;
      fail(
        403,
        'NotAllowedError',
        "This endpoint does not allow 'service' credentials",
      );
      return false;
    };
    const url = new URL(req.url!, 'http://x');
    const p = url.pathname.replace(/^\/api\/hermes/, '');
    const skillRoute = p.match(/^\/skills\/([^/]+)(\/export)?$/);
    const resolution = p.match(/^\/drift\/findings\/([^/]+)\/resolution$/);

    if (req.method === 'GET' && p === '/skills') {
      if (!userOnly()) return;
      const q = url.searchParams.get('q');
      const items = [...skills.entries()]
        .map(([name, s]) => {
          const doc = parseSkillDocument(s.files[0].content, name);
          return {
            name,
            description: doc.description,
            source: 'user',
            status: 'active',
            version: s.version,
            contentHash: 'h',
            updatedAt: '2026-05-23T09:00:00.000Z',
            pendingDrafts: 0,
            usage: { loaded: 3, successes: 2, failures: 1 },
          };
        })
        .filter(s => !q || s.description.toLowerCase().includes(q));
      send(200, { skills: items });
    } else if (req.method === 'POST' && p === '/skills/import') {
      if (!userOnly()) return;
      const skillFile = body?.files?.find(
        (f: SkillFile) => f.path === 'SKILL.md',
      );
      if (!skillFile) {
        fail(400, 'InputError', 'An import needs a SKILL.md file');
        return;
      }
      let name: string;
      try {
        name = parseSkillDocument(skillFile.content, 'SKILL.md').name;
      } catch (error) {
        fail(400, 'InputError', (error as Error).message);
        return;
      }
      const version = (skills.get(name)?.version ?? 0) + 1;
      skills.set(name, { files: body.files, version });
      send(201, {
        name,
        version,
        status: 'active',
        author: 'user:default/ana',
        description: '',
        contentHash: 'h',
        message: 'Imported',
        createdAt: '2026-05-23T09:00:00.000Z',
        document: skillFile.content,
      });
    } else if (req.method === 'GET' && skillRoute) {
      if (!userOnly()) return;
      const name = decodeURIComponent(skillRoute[1]);
      const skill = skills.get(name);
      if (!skill) {
        fail(404, 'NotFoundError', `No skill named "${name}"`);
      } else if (skillRoute[2]) {
        send(200, { files: skill.files });
      } else {
        const doc = parseSkillDocument(skill.files[0].content, name);
        send(200, {
          skill: {
            name,
            description: doc.description,
            source: 'user',
            status: 'active',
            version: skill.version,
            contentHash: 'h',
            updatedAt: '2026-05-23T09:00:00.000Z',
            pendingDrafts: 0,
          },
          document: skill.files[0].content,
          files: skill.files.slice(1).map(f => f.path),
          versions: [
            {
              name,
              version: skill.version,
              status: 'active',
              author: 'user:default/ana',
              description: doc.description,
              contentHash: 'h',
              createdAt: '2026-05-23T09:00:00.000Z',
            },
          ],
          usage: { loaded: 3, successes: 2, failures: 1 },
        });
      }
    } else if (req.method === 'GET' && p === '/drift/findings') {
      const classification = url.searchParams.get('classification');
      const namespace = url.searchParams.get('namespace');
      const state = url.searchParams.get('state') ?? 'open';
      const matching = findings.filter(
        f =>
          (!classification || f.classification === classification) &&
          (!namespace || f.resource.namespace === namespace) &&
          (state === 'all' || (f.state ?? 'open') === state),
      );
      // Pages as the portal does: at most `limit` from `offset`, with the total.
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      send(200, {
        findings: matching.slice(offset, offset + limit),
        total: matching.length,
        limit,
        offset,
      });
    } else if (req.method === 'POST' && resolution) {
      if (!userOnly()) return;
      const id = decodeURIComponent(resolution[1]);
      if (!findings.some(f => f.id === id)) {
        fail(404, 'NotFoundError', `No finding ${id}`);
        return;
      }
      resolutions.push({ id, body });
      send(204);
    } else {
      fail(404, 'NotFoundError', `no route ${url.pathname}`);
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    skills,
    findings,
    resolutions,
    requests,
    close: () => new Promise(r => server.close(r)),
  };
}

/** A stored finding as the drift API returns it. */
export function makeFinding(
  id: string,
  fields: Partial<DriftFindingRecord> = {},
): DriftFindingRecord {
  return {
    id,
    auditId: 'audit-1',
    foundAt: '2026-05-23T12:00:00.000Z',
    fingerprint: `fp-${id}`,
    cluster: 'neuroscale-prod',
    resource: {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      name: 'require-resource-limits',
    },
    labels: {},
    type: 'modified',
    changes: [{ path: '/spec/rules/0/validate/failureAction' }],
    classification: 'critical',
    attribution: {
      manager: 'kubectl-edit',
      operation: 'Update',
      class: 'human',
      time: '2026-05-23T03:12:00.000Z',
      user: 'ops-admin',
    },
    history: { seen: 1, windowDays: 14, labels: [] },
    ...fields,
  };
}
