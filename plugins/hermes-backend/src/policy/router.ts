import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { PolicyService } from './PolicyService';

const checkRequest = z.object({
  files: z
    .array(z.object({ name: z.string().min(1), content: z.string() }))
    .min(1, 'at least one file is required'),
  policies: z.array(z.string().min(1)).optional(),
  exemptions: z
    .array(
      z.object({
        policy: z.string(),
        rule: z.string().optional(),
        kind: z.string().optional(),
        namespace: z.string().optional(),
        name: z.string().optional(),
        reason: z.string().min(1),
      }),
    )
    .optional(),
});

export function createPolicyRouter(options: {
  httpAuth: HttpAuthService;
  policy: PolicyService;
}) {
  const { httpAuth, policy } = options;
  const router = Router();
  router.post('/policy/check', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(
      await policy.check(
        parseInput(checkRequest, req.body, 'policy check request'),
      ),
    );
  });
  return router;
}
