import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseInput } from '../parseInput';
import { ApprovalsService } from './ApprovalsService';

const decisionRequest = z.object({ approved: z.boolean() });

/** The approval inbox: held tool calls a user may decide, and their decisions. */
export function createApprovalsRouter(options: {
  httpAuth: HttpAuthService;
  approvals: ApprovalsService;
}) {
  const { httpAuth, approvals } = options;
  const router = Router();

  router.get('/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const sessionId =
      typeof req.query.sessionId === 'string' && req.query.sessionId
        ? req.query.sessionId
        : undefined;
    res.json({ approvals: await approvals.list(credentials, { sessionId }) });
  });

  router.post('/approvals/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(decisionRequest, req.body, 'approval decision');
    res.json(await approvals.decide(req.params.id, credentials, body));
  });

  return router;
}
