import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { z } from 'zod';
import { defineTool } from './types';
import { MemoryService, NoteScope } from '../../memory/MemoryService';

/**
 * Episodic memory and curated notes for the agent: `memory_search` recalls past
 * conversations, audits, findings, resolutions and tasks; `memory` keeps the notes that every
 * later session starts with.
 */
export function memoryTools(options: { memory: MemoryService }) {
  const { memory } = options;
  return [
    defineTool({
      name: 'memory_search',
      description:
        'Search what Hermes remembers: past conversations, drift audits, findings, how people resolved them, and agent tasks. ' +
        'Give a few specific words (names, errors, kinds); documents with more and rarer of them rank first, newer ones on ties. ' +
        'Returns titles, passages with the matches in **bold**, and portal links to cite.',
      input: z.object({
        query: z.string().min(1).max(1000),
        kinds: z
          .array(z.string().min(1))
          .optional()
          .describe('Only these: session, audit, finding, resolution, task'),
        entityRef: z
          .string()
          .optional()
          .describe('Only memory about this catalog entity'),
        limit: z.number().int().min(1).max(20).default(5),
      }),
      changes: false,
      execute: ({ query, kinds, entityRef, limit }, { credentials }) =>
        memory.search(query, {
          credentials: signedIn(credentials, 'memory_search'),
          kinds,
          entityRef,
          limit,
        }),
    }),
    defineTool({
      name: 'memory',
      description:
        'Keep short notes that every future session starts with: about the user (scope "user"), about the entity of this ' +
        'chat or another one (scope "entity", optional entityRef), or for everyone (scope "global"). ' +
        'action "add" needs text; "replace" needs oldText (a part of exactly one note) and text; "remove" needs oldText. ' +
        'Each scope holds a limited number of characters: when it is full, replace or remove notes. Never store credentials.',
      input: z.object({
        action: z.enum(['add', 'replace', 'remove']),
        scope: z.enum(['user', 'entity', 'global']),
        entityRef: z.string().optional(),
        text: z.string().optional(),
        oldText: z.string().optional(),
      }),
      changes: true,
      execute: async (input, context) => {
        let scope: NoteScope;
        if (input.scope === 'entity') {
          const ref = input.entityRef ?? context.entityRef;
          if (!ref)
            throw new InputError(
              'entityRef: this chat is not about an entity; name the entity',
            );
          scope = { scope: 'entity', ref };
        } else {
          scope = { scope: input.scope };
        }
        const need = (field: 'text' | 'oldText') => {
          const value = input[field];
          if (value === undefined)
            throw new InputError(
              `${field}: required to ${input.action} a note`,
            );
          return value;
        };
        const credentials = signedIn(context.credentials, 'memory');
        const actions = {
          add: () => memory.addNote(scope, need('text'), credentials),
          replace: () =>
            memory.replaceNote(
              scope,
              need('oldText'),
              need('text'),
              credentials,
            ),
          remove: () => memory.removeNote(scope, need('oldText'), credentials),
        };
        const view = await actions[input.action]();
        return {
          notes: view.notes.map(n => n.text),
          usedChars: view.usedChars,
          maxChars: view.maxChars,
        };
      },
    }),
  ];
}

/** Memory answers differ per person: only a signed-in user's own credentials will do. */
function signedIn(
  credentials: BackstageCredentials,
  tool: string,
): BackstageCredentials<BackstageUserPrincipal> {
  const { principal } = credentials as BackstageCredentials<{ type?: string }>;
  if (principal?.type !== 'user')
    throw new NotAllowedError(`${tool} needs a signed-in user`);
  return credentials as BackstageCredentials<BackstageUserPrincipal>;
}
