import { HttpAuthService } from '@backstage/backend-plugin-api';
import { policyCheckRequestSchema } from '@hermes-backstage/plugin-hermes-common';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { PolicyService } from './PolicyService';

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
        parseInput(policyCheckRequestSchema, req.body, 'policy check request'),
      ),
    );
  });
  return router;
}
