import { answerHasContent } from '@hermes-backstage/plugin-hermes-common';
import { getToolName, isToolUIPart, UIMessage } from 'ai';
import { ApprovalsService, callHash } from '../governance/ApprovalsService';
import { MemoryService } from '../memory/MemoryService';
import { sessionDocument, taskDocument } from './memoryDocuments';
import { skillsLoaded } from './messages';
import { Session, SessionStore } from './SessionStore';
import { ToolRun } from './toolset';
import { TraceOutcome, TraceStore } from './TraceStore';

/** What one turn did, as it ended. */
export interface FinishedTurn {
  session: Session;
  /** The whole conversation after the turn. */
  messages: UIMessage[];
  /** Messages before this position were stored before the model was called. */
  unchanged: number;
  traceId: string;
  goal: string;
  model: string;
  startedAt: Date;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: ToolRun[];
  failure?: { outcome: 'error' | 'timeout'; error: string };
  /** The approvers a rule names for a held call, if any. */
  approversOf(tool: string, input: unknown): string[] | undefined;
}

/**
 * Stores what a turn produced: the answer, the calls it holds for approval (bound to their
 * exact arguments), its trace, and the conversation and task in episodic memory.
 */
export async function recordTurn(
  turn: FinishedTurn,
  deps: {
    store: Pick<SessionStore, 'saveMessages'>;
    traces: Pick<TraceStore, 'record'>;
    approvals: Pick<ApprovalsService, 'hold'>;
    memory: Pick<MemoryService, 'remember'>;
  },
): Promise<void> {
  const { session, failure } = turn;
  let { messages } = turn;
  // A new answer with nothing in it (the model failed before saying anything) is not kept:
  // the user's message is, and the failure is the run's outcome.
  const last = messages.at(-1);
  if (
    last?.role === 'assistant' &&
    messages.length > turn.unchanged + 1 &&
    !answerHasContent(last)
  )
    messages = messages.slice(0, -1);
  const answer =
    messages.at(-1)?.role === 'assistant' ? messages.at(-1) : undefined;
  await deps.store.saveMessages(session.id, messages, turn.unchanged);
  const held = await holdRequestedCalls(session, answer, turn, deps);
  const outcome: TraceOutcome =
    failure?.outcome ?? (held ? 'awaiting-approval' : 'answered');
  const skillsUsed = skillsLoaded(answer);
  await deps.traces.record({
    id: turn.traceId,
    sessionId: session.id,
    userRef: session.userRef,
    entityRef: session.entityRef,
    goal: turn.goal,
    model: turn.model,
    startedAt: turn.startedAt,
    outcome,
    error: failure?.error,
    steps: turn.steps,
    toolCalls: turn.toolCalls,
    skillsUsed,
    inputTokens: turn.inputTokens,
    outputTokens: turn.outputTokens,
  });
  await deps.memory.remember(
    sessionDocument({ ...session, messages }),
    taskDocument({
      traceId: turn.traceId,
      sessionId: session.id,
      userRef: session.userRef,
      entityRef: session.entityRef,
      goal: turn.goal,
      outcome,
      error: failure?.error,
      toolCalls: turn.toolCalls,
      skillsUsed,
      answer,
    }),
  );
}

/** Stores the calls the answer asked approval for; true if there were any. */
async function holdRequestedCalls(
  session: Session,
  answer: UIMessage | undefined,
  turn: Pick<FinishedTurn, 'approversOf'>,
  deps: { approvals: Pick<ApprovalsService, 'hold'> },
): Promise<boolean> {
  let held = false;
  for (const part of answer?.parts ?? []) {
    if (!isToolUIPart(part) || part.state !== 'approval-requested') continue;
    const tool = getToolName(part);
    await deps.approvals.hold(
      {
        id: part.approval.id,
        sessionId: session.id,
        toolCallId: part.toolCallId,
        tool,
        input: part.input,
        callHash: callHash(tool, part.input),
        reason: part.approval.requestReason,
        approvers: turn.approversOf(tool, part.input),
      },
      session.userRef,
    );
    held = true;
  }
  return held;
}
