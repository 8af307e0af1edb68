import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { RESOLUTIONS } from './DriftStore';
import { DriftService } from './DriftService';

// An empty query parameter (`?namespace=`) means no filter, as links and forms send it.
const filter = z
  .string()
  .max(1000)
  .optional()
  .transform(v => v || undefined);

const findingsQuery = z.object({
  auditId: filter,
  namespace: filter,
  entityRef: filter,
  classification: z.enum(['critical', 'harmless', 'unknown']).optional(),
});

const resolutionBody = z.object({
  resolution: z.enum(RESOLUTIONS as [string, ...string[]]),
  note: z.string().max(2000).optional(),
});

export function createDriftRouter(options: {
  httpAuth: HttpAuthService;
  drift: DriftService;
}) {
  const { httpAuth, drift } = options;
  const router = Router();

  router.get('/drift/audits', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({
      definitions: drift.definitions().map(d => d.name),
      audits: await drift.listAudits({ credentials }),
    });
  });

  router.get('/drift/audits/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await drift.getAudit(req.params.id, { credentials }));
  });

  router.post('/drift/audits/:name/run', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res
      .status(201)
      .json(await drift.runAudit(req.params.name, 'manual', { credentials }));
  });

  // The API server's audit webhook, authenticated with a Backstage external access token
  // (backend.auth.externalAccess), which makes it a service principal.
  router.post('/drift/audit-events/:cluster', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json(await drift.receiveAuditEvents(req.params.cluster, req.body));
  });

  router.get('/drift/findings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(findingsQuery, req.query, 'findings query');
    res.json({ findings: await drift.listFindings({ ...query, credentials }) });
  });

  router.post('/drift/findings/:id/resolution', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(resolutionBody, req.body, 'resolution');
    await drift.resolveFinding(
      req.params.id,
      {
        resolution: body.resolution as (typeof RESOLUTIONS)[number],
        note: body.note,
        userRef: credentials.principal.userEntityRef,
      },
      { credentials },
    );
    res.status(204).end();
  });

  return router;
}
