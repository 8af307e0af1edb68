import { HttpAuthService } from '@backstage/backend-plugin-api';
import type { UIMessage } from 'ai';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { ChatService } from './ChatService';
import { SessionsService } from './SessionsService';

const chatRequest = z.object({
  sessionId: z.string().uuid(),
  entityRef: z.string().min(1).optional(),
  message: z
    .looseObject({
      id: z.string().min(1),
      role: z.literal('user'),
      parts: z.array(z.looseObject({ type: z.string() })).min(1),
    })
    .optional(),
  approvals: z
    .array(
      z.object({
        id: z.string().min(1),
        approved: z.boolean(),
        reason: z.string().max(1000).optional(),
      }),
    )
    .max(20)
    .optional(),
});

const feedbackRequest = z.object({
  rating: z.enum(['up', 'down']),
  comment: z.string().max(2000).optional(),
});

export function createAgentRouter(options: {
  httpAuth: HttpAuthService;
  chat: ChatService;
  sessions: SessionsService;
}) {
  const { httpAuth, chat, sessions } = options;
  const router = Router();

  router.post('/chat', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(chatRequest, req.body, 'chat request');
    await chat.chat(
      {
        credentials,
        sessionId: body.sessionId,
        entityRef: body.entityRef,
        message: body.message as unknown as UIMessage | undefined,
        approvals: body.approvals,
      },
      res,
    );
  });

  router.get('/sessions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const text = (value: unknown) =>
      typeof value === 'string' && value ? value : undefined;
    res.json({
      sessions: await sessions.list(credentials, {
        entityRef: text(req.query.entityRef),
        q: text(req.query.q),
      }),
    });
  });

  router.get('/sessions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await sessions.get(req.params.id, credentials));
  });

  router.delete('/sessions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await sessions.delete(req.params.id, credentials);
    res.status(204).end();
  });

  router.post('/traces/:id/feedback', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(feedbackRequest, req.body, 'feedback');
    await sessions.feedback(req.params.id, credentials, body);
    res.status(204).end();
  });

  return router;
}
