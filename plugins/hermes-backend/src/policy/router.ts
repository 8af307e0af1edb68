import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import Router from 'express-promise-router';
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
    const parsed = checkRequest.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        i => `${i.path.join('.') || 'body'}: ${i.message}`,
      );
      throw new InputError(
        `Invalid policy check request: ${issues.join('; ')}`,
      );
    }
    res.json(await policy.check(parsed.data));
  });
  return router;
}
