import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { hermesDriftReadPermission } from '@hermes-backstage/plugin-hermes-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseInput } from '../parseInput';
import { LearningService } from './LearningService';

const listQuery = z.object({
  status: z.enum(['proposed', 'rejected', 'approved']).optional(),
});
const rejectBody = z.object({ reason: z.string().trim().max(2000).optional() });
const reflectionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/**
 * The learning loop's API, under `/learning`. Candidates and metrics are drawn from the drift
 * of every cluster (a counter-example names an object), so reading them or running induction
 * takes `hermes.drift.read`; approving or rejecting also needs `hermes.skills.approve`,
 * checked by the service.
 */
export function createLearningRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  learning: LearningService;
}): express.Router {
  const { httpAuth, permissions, learning } = options;
  const mayReadDrift = async (credentials: BackstageCredentials) => {
    const [decision] = await permissions.authorize(
      [{ permission: hermesDriftReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        'The learning loop works on the drift of every cluster, which needs hermes.drift.read',
      );
    return credentials;
  };
  const router = Router();
  const caller = async (req: express.Request) =>
    mayReadDrift(
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
    );
  // A decision on what Hermes may classify is a person's.
  const person = async (req: express.Request) =>
    mayReadDrift(await httpAuth.credentials(req, { allow: ['user'] }));

  // Induction, then reflection (which says why when it was skipped, e.g. no model).
  router.post('/learning/run', async (req, res) => {
    await caller(req);
    const induced = await learning.run();
    const reflected = await learning.reflect();
    res.json({
      candidates: [...induced, ...reflected.candidates],
      reflection: reflected.reflection,
    });
  });

  router.get('/learning/reflections', async (req, res) => {
    await caller(req);
    const { limit } = parseInput(
      reflectionsQuery,
      req.query,
      'reflection list',
    );
    res.json({ items: await learning.listReflections({ limit }) });
  });

  router.get('/learning/candidates', async (req, res) => {
    await caller(req);
    const { status } = parseInput(listQuery, req.query, 'candidate filter');
    res.json({ items: await learning.listCandidates({ status }) });
  });

  router.post('/learning/candidates/:id/approve', async (req, res) => {
    const credentials = await person(req);
    res.json(await learning.approve(req.params.id, credentials));
  });

  router.post('/learning/candidates/:id/reject', async (req, res) => {
    const credentials = await person(req);
    const { reason } = parseInput(rejectBody, req.body, 'rejection');
    res.json(
      await learning.reject(req.params.id, credentials, reason || undefined),
    );
  });

  router.get('/learning/metrics', async (req, res) => {
    const credentials = await caller(req);
    res.json(await learning.metrics(credentials));
  });

  return router;
}
