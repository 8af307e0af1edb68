import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { MemoryService, NoteScope, UserCredentials } from './MemoryService';

const searchQuery = z.object({
  q: z.string().max(10_000).default(''),
  entityRef: z.string().min(1).optional(),
  kinds: z
    .string()
    .min(1)
    .transform(kinds =>
      kinds
        .split(',')
        .map(k => k.trim())
        .filter(Boolean),
    )
    .optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

const noteText = z.string().max(10_000);

/** A note scope with more fields; `ref` names the entity, and for the user scope the caller. */
function scoped<T extends z.ZodRawShape>(shape: T) {
  return z.discriminatedUnion('scope', [
    z.object({
      scope: z.literal('user'),
      ref: z.string().optional(),
      ...shape,
    }),
    z.object({ scope: z.literal('entity'), ref: z.string().min(1), ...shape }),
    z.object({ scope: z.literal('global'), ...shape }),
  ]);
}

/** The user scope is the caller's own notes; naming another user is refused. */
function noteScope(
  input: { scope: 'user' | 'entity' | 'global'; ref?: string },
  credentials: UserCredentials,
): NoteScope {
  if (input.scope === 'entity') return { scope: 'entity', ref: input.ref! };
  if (
    input.scope === 'user' &&
    input.ref !== undefined &&
    input.ref !== credentials.principal.userEntityRef
  ) {
    throw new NotAllowedError('You can only read and write your own notes');
  }
  return { scope: input.scope };
}

export function createMemoryRouter(options: {
  httpAuth: HttpAuthService;
  memory: MemoryService;
}) {
  const { httpAuth, memory } = options;
  const router = Router();

  router.get('/memory/search', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(searchQuery, req.query, 'search');
    const hits = await memory.search(query.q, {
      credentials,
      entityRef: query.entityRef,
      kinds: query.kinds,
      limit: query.limit,
    });
    res.json({ hits });
  });

  router.get('/memory/notes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(scoped({}), req.query, 'notes query');
    res.json(
      await memory.listNotes(noteScope(query, credentials), credentials),
    );
  });

  router.post('/memory/notes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(scoped({ text: noteText }), req.body, 'note');
    res
      .status(201)
      .json(
        await memory.addNote(
          noteScope(body, credentials),
          body.text,
          credentials,
        ),
      );
  });

  router.put('/memory/notes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(
      scoped({ oldText: z.string().min(1), newText: noteText }),
      req.body,
      'note replacement',
    );
    res.json(
      await memory.replaceNote(
        noteScope(body, credentials),
        body.oldText,
        body.newText,
        credentials,
      ),
    );
  });

  router.delete('/memory/notes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(
      scoped({ oldText: z.string().min(1) }),
      req.body,
      'note removal',
    );
    res.json(
      await memory.removeNote(
        noteScope(body, credentials),
        body.oldText,
        credentials,
      ),
    );
  });

  return router;
}
