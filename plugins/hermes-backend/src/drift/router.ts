import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RESOLUTIONS } from './DriftStore';
import { DriftService } from './DriftService';

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
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      definitions: drift.definitions().map(d => d.name),
      audits: await drift.listAudits(),
    });
  });

  router.get('/drift/audits/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await drift.getAudit(req.params.id));
  });

  router.post('/drift/audits/:name/run', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.status(201).json(await drift.runAudit(req.params.name, 'manual'));
  });

  router.get('/drift/findings', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const auditId =
      typeof req.query.auditId === 'string' ? req.query.auditId : undefined;
    const namespace =
      typeof req.query.namespace === 'string' ? req.query.namespace : undefined;
    res.json({ findings: await drift.listFindings({ auditId, namespace }) });
  });

  router.post('/drift/findings/:id/resolution', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const parsed = resolutionBody.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid resolution: ${parsed.error.issues
          .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`,
      );
    }
    await drift.resolveFinding(req.params.id, {
      resolution: parsed.data.resolution as (typeof RESOLUTIONS)[number],
      note: parsed.data.note,
      userRef: credentials.principal.userEntityRef,
    });
    res.status(204).end();
  });

  return router;
}
