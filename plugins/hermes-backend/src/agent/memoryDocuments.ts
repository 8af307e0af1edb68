import { redactSecrets } from '@hermes-backstage/plugin-hermes-common';
import type { UIMessage } from 'ai';
import { MemoryDocument } from '../memory/MemoryService';
import { textOf } from './messages';
import { ToolRun } from './toolset';

// Full-text indexes have limits (PostgreSQL: 1 MB per tsvector); recall needs far less.
const MAX_REMEMBERED_CHARS = 200_000;

/** A conversation as episodic memory: private to its user, credentials masked. */
export function sessionDocument(session: {
  id: string;
  userRef: string;
  entityRef?: string;
  title: string;
  messages: UIMessage[];
}): MemoryDocument {
  return {
    kind: 'session',
    sourceId: session.id,
    ownerRef: session.userRef,
    entityRef: session.entityRef,
    title: session.title,
    // The words of the conversation, newest kept when it is very long.
    body: redactSecrets(
      session.messages
        .map(m => `${m.role}: ${textOf(m)}`)
        .join('\n')
        .slice(-MAX_REMEMBERED_CHARS),
    ),
    link: `/hermes?session=${session.id}`,
  };
}

/** One agent run (a task) as episodic memory: what was asked, done and answered. */
export function taskDocument(run: {
  traceId: string;
  sessionId: string;
  userRef: string;
  entityRef?: string;
  goal: string;
  outcome: string;
  error?: string;
  toolCalls: ToolRun[];
  skillsUsed: string[];
  answer?: UIMessage;
}): MemoryDocument {
  return {
    kind: 'task',
    sourceId: run.traceId,
    ownerRef: run.userRef,
    entityRef: run.entityRef,
    title: redactSecrets(run.goal.slice(0, 200)),
    body: redactSecrets(
      [
        `Goal: ${run.goal}`,
        `Outcome: ${run.outcome}${run.error ? ` (${run.error})` : ''}`,
        `Tools: ${
          run.toolCalls
            .map(r => `${r.tool}${r.ok ? '' : ' (failed)'}`)
            .join(', ') || 'none'
        }`,
        `Skills: ${run.skillsUsed.join(', ') || 'none'}`,
        `Answer: ${run.answer ? textOf(run.answer) : ''}`,
      ].join('\n'),
    ),
    link: `/hermes?session=${run.sessionId}`,
  };
}
