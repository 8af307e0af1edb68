import { redactSecrets } from '@hermes-backstage/plugin-hermes-common';
import type { UIMessage } from 'ai';
import { MemoryDocument } from '../memory/MemoryService';
import { textOf } from './messages';
import { ToolRun } from './toolset';

// Full-text indexes have limits (PostgreSQL: 1 MB per tsvector); recall needs far less.
const MAX_REMEMBERED_CHARS = 200_000;

/**
 * The words of a conversation, the newest kept when it is very long, credentials masked. The
 * text is masked before it is cut, and read in whole messages, so no cut leaves part of a
 * credential that the scanner would no longer recognise.
 */
function conversationText(messages: UIMessage[]): string {
  const lines: string[] = [];
  let size = 0;
  for (
    let i = messages.length - 1;
    i >= 0 && size < MAX_REMEMBERED_CHARS;
    i--
  ) {
    const line = `${messages[i].role}: ${textOf(messages[i])}`;
    lines.push(line);
    size += line.length + 1;
  }
  return redactSecrets(lines.reverse().join('\n')).slice(-MAX_REMEMBERED_CHARS);
}

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
    title: redactSecrets(session.title),
    body: conversationText(session.messages),
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
    title: redactSecrets(run.goal).slice(0, 200),
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
