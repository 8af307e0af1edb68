import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { StatusService } from './StatusService';

export function createStatusRouter(options: {
  httpAuth: HttpAuthService;
  status: StatusService;
}) {
  const { httpAuth, status } = options;
  const router = Router();
  router.get('/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await status.getStatus());
  });
  // A POST: each check is a (tiny) paid call to every configured model, made on request only.
  router.post('/status/models/check', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await status.checkModels());
  });
  return router;
}
