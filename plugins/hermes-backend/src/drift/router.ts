import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { RESOLUTIONS } from './DriftStore';
import { DriftService, MAX_AUDIT_PAGE } from './DriftService';

// An empty query parameter (`?namespace=`) means no filter, as links and forms send it.
const filter = z
  .string()
  .max(1000)
  .optional()
  .transform(v => v || undefined);

// parseInput names the parameter before the message.
const whole = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform(v => (v ? Number(v) : undefined))
    .refine(
      v => v === undefined || (Number.isInteger(v) && v >= min && v <= max),
      `expected a whole number from ${min} to ${max}`,
    );

const findingsQuery = z.object({
  auditId: filter,
  cluster: filter,
  namespace: filter,
  entityRef: filter,
  owner: filter,
  classification: z
    .enum(['critical', 'harmless', 'unknown', ''])
    .optional()
    .transform(v => v || undefined),
  state: z
    .enum(['open', 'resolved', 'silenced', 'all', ''])
    .optional()
    .transform(v => v || undefined),
  limit: whole(1, 500),
  offset: whole(0, 1_000_000),
});

const auditsQuery = z.object({
  limit: whole(1, MAX_AUDIT_PAGE),
  offset: whole(0, 1_000_000),
});

// `note` is the earlier name of `comment`; the service refuses two different texts.
const resolutionBody = z.object({
  resolution: z.enum(RESOLUTIONS as [string, ...string[]]),
  comment: z.string().max(2000).optional(),
  note: z.string().max(2000).optional(),
  ticket: z.string().max(2000).optional(),
  silenceUntil: z.string().max(100).optional(),
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
    const query = parseInput(auditsQuery, req.query, 'audits query');
    const page = await drift.pageAudits({ ...query, credentials });
    res.json({
      definitions: drift.definitions().map(d => d.name),
      audits: page.audits,
      total: page.total,
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
    res.json(await drift.pageFindings({ ...query, credentials }));
  });

  router.post('/drift/findings/:id/resolution', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(resolutionBody, req.body, 'resolution');
    await drift.resolveFinding(
      req.params.id,
      {
        ...body,
        resolution: body.resolution as (typeof RESOLUTIONS)[number],
        userRef: credentials.principal.userEntityRef,
      },
      { credentials },
    );
    res.status(204).end();
  });

  // Undoes the drift's latest resolution event: its author, or someone with hermes.drift.read.
  router.delete('/drift/findings/:id/resolution', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const undone = await drift.undoResolution(
      req.params.id,
      { userRef: credentials.principal.userEntityRef },
      { credentials },
    );
    res.json({ undone });
  });

  return router;
}
