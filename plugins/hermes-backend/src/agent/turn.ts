import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  AgentMessageMetadata,
  AgentNotice,
} from '@hermes-backstage/plugin-hermes-common';
import {
  convertToModelMessages,
  LanguageModel,
  stepCountIs,
  streamText,
  UIMessage,
  UIMessageChunk,
} from 'ai';
import { randomUUID } from 'node:crypto';
import { DriftService } from '../drift/DriftService';
import { ApprovalsService } from '../governance/ApprovalsService';
import { MemoryService } from '../memory/MemoryService';
import { ModelRegistry, ModelSelection } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { fitToBudget } from './compaction';
import { buildSystemPrompt } from './prompt';
import { recordTurn } from './recordTurn';
import { Session, SessionStore } from './SessionStore';
import { buildToolSet, fenceToolResults, ToolRun } from './toolset';
import { HermesTool } from './tools/types';
import { TraceStore } from './TraceStore';
import { TurnApprovals } from './unattended';

export interface ChatOptions {
  /** Estimated tokens of history sent to the model before older turns are summarised. */
  sessionTokenBudget: number;
  /** Model steps (calls) per turn, tool calls included. */
  maxSteps: number;
  /** Skills listed in the prompt, the most relevant first (default 12). */
  skillIndexSize?: number;
}

/** What a turn runs with: the services it reads and records to, and the chat settings. */
export interface TurnDeps {
  store: SessionStore;
  traces: TraceStore;
  /** Where the calls an answer holds are recorded (the turn decides with its own). */
  approvals: ApprovalsService;
  models: ModelRegistry;
  drift: Pick<DriftService, 'listFindings'>;
  logger: LoggerService;
  memory: Pick<MemoryService, 'remember'>;
  skills: Pick<SkillsService, 'skillIndex'>;
  chat: ChatOptions;
}

/** One turn to run: the conversation so far, and what the model may use. */
export interface TurnInput {
  session: Session;
  messages: UIMessage[];
  goal: string;
  notice?: AgentNotice;
  entity?: Entity;
  credentials: BackstageCredentials;
  configured: { model: LanguageModel; selection: ModelSelection };
  tools: HermesTool[];
  /** How changing calls are decided while the turn runs. */
  approvals: TurnApprovals;
}

export interface TurnUsage {
  steps: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TurnFailure {
  outcome: 'error' | 'timeout';
  error: string;
}

/** How a turn ended, once it is recorded. */
export interface FinishedTurnResult {
  messages: UIMessage[];
  usage: TurnUsage;
  failure?: TurnFailure;
}

/** A running turn. */
export interface StartedTurn {
  stream: ReadableStream<UIMessageChunk>;
  traceId: string;
  finished: Promise<FinishedTurnResult>;
}

/**
 * Runs one turn of the model over `messages` with the given tools, and records it when it
 * ends (the answer, held calls, trace, memory). The stream is the ai SDK's UI message
 * stream; `finished` settles once the turn is recorded.
 */
export async function startTurn(
  turn: TurnInput,
  deps: TurnDeps,
): Promise<StartedTurn> {
  const { models, logger } = deps;
  const { session, messages, goal, notice, entity, credentials } = turn;
  const userRef = session.userRef;
  const entityRef = session.entityRef;
  const traceId = randomUUID();
  const startedAt = new Date();
  const { model, selection } = turn.configured;
  const toolCalls: ToolRun[] = [];
  const { toolSet, toolApproval, decide } = buildToolSet(
    turn.tools,
    { credentials, userRef, entityRef, sessionId: session.id, traceId },
    {
      approvals: turn.approvals,
      onToolRun: run => toolCalls.push(run),
    },
  );

  const history = await fitToBudget(session, messages, {
    budget: deps.chat.sessionTokenBudget,
    models,
    store: deps.store,
    logger,
  });
  const system = await buildSystemPrompt(
    {
      credentials,
      goal,
      notes: session.notesSnapshot,
      entity,
      summary: history.summary,
    },
    { ...deps, skillIndexSize: deps.chat.skillIndexSize },
  );

  const usage: TurnUsage = { steps: 0, inputTokens: 0, outputTokens: 0 };
  let failure: TurnFailure | undefined;
  const failed = (reason: string) =>
    `The model ${selection.provider}/${selection.model} failed: ${reason}. Your message is saved; try again.`;

  // An answer continued after decisions keeps the runs before this one.
  const last = messages.at(-1)!;
  const earlier =
    last.role === 'assistant' ? traceIdsOf(last.metadata) : undefined;
  const metadata: AgentMessageMetadata = {
    traceId,
    traceIds: [...(earlier ?? []), traceId],
  };

  let settle!: (value: FinishedTurnResult) => void;
  const finished = new Promise<FinishedTurnResult>(resolve => {
    settle = resolve;
  });

  const result = streamText({
    model,
    system,
    messages: fenceToolResults(
      await convertToModelMessages(history.messages, {
        tools: toolSet,
        ignoreIncompleteToolCalls: true,
      }),
    ),
    tools: toolSet,
    toolApproval,
    // Failed and denied calls of this turn reach the next step fenced, as stored ones do.
    prepareStep: ({ messages: sent }) => ({
      messages: fenceToolResults(sent),
    }),
    stopWhen: stepCountIs(deps.chat.maxSteps),
    maxRetries: 0,
    abortSignal: AbortSignal.timeout(selection.timeoutMs),
    // Errors reach the user through the UI stream's onError below.
    onError: () => {},
    onStepEnd: step => {
      usage.steps++;
      usage.inputTokens += step.usage.inputTokens ?? 0;
      usage.outputTokens += step.usage.outputTokens ?? 0;
    },
  });
  const timedOut = () => ({
    outcome: 'timeout' as const,
    error: `no answer within ${selection.timeoutMs / 1000} s (timeout)`,
  });
  const stream = result
    .toUIMessageStream({
      originalMessages: messages,
      generateMessageId: randomUUID,
      messageMetadata: ({ part }) =>
        part.type === 'start' ? metadata : undefined,
      // A failing tool call is that call's error, for the model to read and the UI to show;
      // onError is for the model failing.
      redactToolErrors: false,
      onError: error => {
        const reason = (error as Error).message;
        logger.warn(
          `Chat model ${selection.provider}/${selection.model} failed: ${reason}`,
        );
        failure = { outcome: 'error', error: reason };
        return failed(reason);
      },
      onFinish: async ({ messages: updated, isAborted }) => {
        // Our timeout is the only abort.
        if (isAborted) failure ??= timedOut();
        const answer = updated.at(-1);
        if (notice && answer?.role === 'assistant')
          answer.parts.unshift({ type: 'data-notice', data: notice });
        try {
          await recordTurn(
            {
              session,
              messages: updated,
              // The answer is new, or continues the last message (after approvals).
              unchanged: Math.max(0, messages.length - 1),
              traceId,
              goal,
              model: `${selection.provider}/${selection.model}`,
              startedAt,
              ...usage,
              toolCalls,
              failure,
              approversOf: (tool, input) => decide(tool, input)?.approvers,
            },
            deps,
          );
        } catch (error) {
          logger.error(`Could not save session ${session.id}: ${error}`);
        } finally {
          settle({ messages: updated, usage, failure });
        }
      },
    })
    .pipeThrough(
      new TransformStream<UIMessageChunk, UIMessageChunk>({
        transform(chunk, controller) {
          // A timeout aborts the call; say so in words rather than ending silently.
          if (chunk.type === 'abort') {
            failure ??= timedOut();
            controller.enqueue({
              type: 'error',
              errorText: failed(failure.error),
            });
          }
          controller.enqueue(chunk);
          // The answer starts with what was withheld (stored with it in onFinish).
          if (chunk.type === 'start' && notice)
            controller.enqueue({ type: 'data-notice', data: notice });
        },
      }),
    );
  return { stream, traceId, finished };
}

/** The runs an answer's metadata names, oldest first. */
function traceIdsOf(metadata: unknown): string[] {
  const { traceId, traceIds } = (metadata ?? {}) as AgentMessageMetadata;
  if (Array.isArray(traceIds)) return traceIds;
  return traceId ? [traceId] : [];
}
