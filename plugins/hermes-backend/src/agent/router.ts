import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { UIMessage } from 'ai';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ChatService } from './ChatService';

const chatRequest = z.object({
  sessionId: z.string().uuid().optional(),
  entityRef: z.string().min(1).optional(),
  message: z.looseObject({
    id: z.string().min(1),
    role: z.literal('user'),
    parts: z.array(z.looseObject({ type: z.string() })).min(1),
  }),
});

export function createAgentRouter(options: {
  httpAuth: HttpAuthService;
  chat: ChatService;
}) {
  const { httpAuth, chat } = options;
  const router = Router();

  router.post('/chat', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const parsed = chatRequest.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid chat request: ${parsed.error.issues
          .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`,
      );
    }
    await chat.chat(
      {
        userRef: credentials.principal.userEntityRef,
        sessionId: parsed.data.sessionId,
        entityRef: parsed.data.entityRef,
        message: parsed.data.message as unknown as UIMessage,
      },
      res,
    );
  });

  router.get('/sessions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      sessions: await chat.listSessions(credentials.principal.userEntityRef),
    });
  });

  router.get('/sessions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await chat.getSession(req.params.id, credentials.principal.userEntityRef),
    );
  });

  router.delete('/sessions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await chat.deleteSession(
      req.params.id,
      credentials.principal.userEntityRef,
    );
    res.status(204).end();
  });

  return router;
}
