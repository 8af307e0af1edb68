import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { findingBelongsToEntity } from '@hermes-backstage/plugin-hermes-common';
import { NotFoundError } from '@backstage/errors';
import { RESOLUTIONS } from './DriftStore';
import { DriftService } from './DriftService';

const resolutionBody = z.object({
  resolution: z.enum(RESOLUTIONS as [string, ...string[]]),
  note: z.string().max(2000).optional(),
});

export function createDriftRouter(options: {
  httpAuth: HttpAuthService;
  drift: DriftService;
  catalog: CatalogService;
}) {
  const { httpAuth, drift, catalog } = options;
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

  // The API server's audit webhook, authenticated with a Backstage external access token
  // (backend.auth.externalAccess), which makes it a service principal.
  router.post('/drift/audit-events/:cluster', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const stored = await drift.receiveAuditEvents(req.params.cluster, req.body);
    res.json({ stored });
  });

  router.get('/drift/findings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const auditId =
      typeof req.query.auditId === 'string' ? req.query.auditId : undefined;
    const namespace =
      typeof req.query.namespace === 'string' ? req.query.namespace : undefined;
    const entityRef =
      typeof req.query.entityRef === 'string' ? req.query.entityRef : undefined;
    let findings = await drift.listFindings({ auditId, namespace });
    if (entityRef) {
      // Reading the entity with the caller's credentials applies catalog permissions.
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity)
        throw new NotFoundError(
          `No entity ${entityRef}, or you may not read it`,
        );
      const annotations = entity.metadata.annotations ?? {};
      findings = findings.filter(f => findingBelongsToEntity(f, annotations));
      res.json({ entityRef: stringifyEntityRef(entity), findings });
      return;
    }
    res.json({ findings });
  });

  router.post('/drift/findings/:id/resolution', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(resolutionBody, req.body, 'resolution');
    await drift.resolveFinding(req.params.id, {
      resolution: body.resolution as (typeof RESOLUTIONS)[number],
      note: body.note,
      userRef: credentials.principal.userEntityRef,
    });
    res.status(204).end();
  });

  return router;
}
