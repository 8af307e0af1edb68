import {
  BackstageCredentials,
  BackstageUserPrincipal,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ActionsService } from '@backstage/backend-plugin-api/alpha';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AgentMessageMetadata,
  AgentNotice,
  ApprovalDecision,
} from '@hermes-backstage/plugin-hermes-common';
import {
  convertToModelMessages,
  getToolName,
  isToolUIPart,
  LanguageModel,
  pipeUIMessageStreamToResponse,
  stepCountIs,
  streamText,
  UIMessage,
  UIMessageChunk,
} from 'ai';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DriftService } from '../drift/DriftService';
import {
  alreadyDecided,
  ApprovalsService,
  callHash,
} from '../governance/ApprovalsService';
import { ClusterDefinition } from '../kubernetes/clusters';
import { MemoryService } from '../memory/MemoryService';
import { ModelRegistry, ModelSelection } from '../models/ModelRegistry';
import { PolicyService } from '../policy/PolicyService';
import { SkillsService } from '../skills/SkillsService';
import { fitToBudget } from './compaction';
import { maskCredentials, textOf, titleOf, withheldNotice } from './messages';
import { buildSystemPrompt } from './prompt';
import { recordTurn } from './recordTurn';
import { KnexSessionStore, Session, SessionStore } from './SessionStore';
import { buildToolSet, fenceToolResults, ToolRun } from './toolset';
import { agentTools } from './tools';
import { HermesTool } from './tools/types';
import { KnexTraceStore, TraceStore } from './TraceStore';
import { heldForOwner, TurnApprovals, unattendedTools } from './unattended';

export const NO_CHAT_MODEL =
  'No model is configured for chat. Add an OpenAI-compatible provider under ' +
  'hermes.model.providers.<name> (baseUrl, apiKey) and choose it in hermes.models.chat ' +
  '(provider, model) in app-config.yaml. Drift audits, triage and policy checks work without one.';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** One turn: the user's next message, or their decisions on the calls held in the last answer. */
export interface ChatRequest {
  credentials: UserCredentials;
  sessionId: string;
  entityRef?: string;
  message?: UIMessage;
  approvals?: ApprovalDecision[];
}

/** Conversations with the agent: streamed answers, tools, approvals and traces. */
export interface ChatService {
  /**
   * Runs one turn and streams the answer to `response` as the ai SDK's UI message stream.
   * The user's side is stored before the model is called, so a failing model loses nothing;
   * credentials in the user's message are masked before it is stored or sent anywhere, and
   * the answer starts by saying so.
   */
  chat(request: ChatRequest, response: ServerResponse): Promise<void>;
  /**
   * Runs a task's prompt as a new conversation of the task's owner, with read-only tools
   * inside the task's scope; a changing call is held for the owner, never run.
   */
  runTask(request: TaskTurnRequest): Promise<TaskTurnResult>;
}

/** A task's prompt, run by the agent with nobody signed in. */
export interface TaskTurnRequest {
  taskName: string;
  prompt: string;
  /** The task's owner: the conversation is theirs, and held calls wait in their inbox. */
  ownerRef: string;
  /** The plugin's own credentials. */
  credentials: BackstageCredentials;
  entityRef?: string;
  /** The task's entity, read when the run started. */
  entity?: Entity;
  /** `provider/model`, else the chat model. */
  model?: string;
  /** The owner held `hermes.drift.read` when the task was saved. */
  driftRead: boolean;
}

export interface TaskTurnResult {
  sessionId: string;
  traceId: string;
  answer: string;
  model: string;
  tokens: { input: number; output: number };
  /** Changing calls held for the owner's approval. */
  held: number;
  /** The model failed or timed out. */
  error?: string;
}

export interface ChatOptions {
  /** Estimated tokens of history sent to the model before older turns are summarised. */
  sessionTokenBudget: number;
  /** Model steps (calls) per turn, tool calls included. */
  maxSteps: number;
  /** Skills listed in the prompt, the most relevant first (default 12). */
  skillIndexSize?: number;
}

export class DefaultChatService implements ChatService {
  constructor(
    private readonly options: {
      store: SessionStore;
      traces: TraceStore;
      approvals: ApprovalsService;
      tools: HermesTool[];
      models: ModelRegistry;
      catalog: CatalogService;
      drift: Pick<DriftService, 'listFindings'>;
      logger: LoggerService;
      memory: Pick<MemoryService, 'notesSnapshot' | 'remember'>;
      skills: Pick<SkillsService, 'skillIndex'>;
      chat: ChatOptions;
    },
  ) {}

  /** The service as the plugin runs it, with its tools and `hermes.agent` settings. */
  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    models: ModelRegistry;
    catalog: CatalogService;
    clusters: ClusterDefinition[];
    actions: ActionsService;
    approvals: ApprovalsService;
    drift: DriftService;
    policy: PolicyService;
    skills: SkillsService;
    memory: MemoryService;
  }): Promise<DefaultChatService> {
    const { config } = options;
    return new DefaultChatService({
      ...options,
      store: await KnexSessionStore.create(options),
      traces: await KnexTraceStore.create(options),
      tools: agentTools(options),
      chat: {
        sessionTokenBudget:
          config.getOptionalNumber('hermes.agent.sessionTokenBudget') ?? 16000,
        maxSteps: config.getOptionalNumber('hermes.agent.maxSteps') ?? 8,
        skillIndexSize: config.getOptionalNumber('hermes.skills.indexSize'),
      },
    });
  }

  async chat(request: ChatRequest, response: ServerResponse): Promise<void> {
    const { store, models, catalog } = this.options;
    const configured = models.languageModel('chat');
    if (!configured) throw new ServiceUnavailableError(NO_CHAT_MODEL);
    if (Boolean(request.message) === Boolean(request.approvals?.length))
      throw new InputError(
        'Send either a message or approvals (decisions on held tool calls), not both or neither',
      );
    const { credentials } = request;
    const userRef = credentials.principal.userEntityRef;

    let session = await store.getSession(request.sessionId);
    if (session && session.userRef !== userRef)
      throw new NotFoundError(`No session ${request.sessionId}`);
    const entityRef = session ? session.entityRef : request.entityRef;
    // Entity-scoped chats follow catalog read permission.
    const entity = entityRef
      ? await catalog.getEntityByRef(entityRef, { credentials })
      : undefined;
    if (entityRef && !entity)
      throw new NotFoundError(`No entity ${entityRef}, or you may not read it`);

    let messages: UIMessage[];
    let goal: string;
    let notice: AgentNotice | undefined;
    if (request.message) {
      if (request.message.role !== 'user')
        throw new NotAllowedError('Only user messages can be sent');
      // Credentials never reach the store, the index, a title or the model.
      const { message, withheld } = maskCredentials(request.message);
      if (withheld.length) notice = withheldNotice(withheld);
      if (!session) {
        await store.createSession({
          id: request.sessionId,
          userRef,
          entityRef: entity ? stringifyEntityRef(entity) : undefined,
          title: titleOf(message),
          notesSnapshot: await this.notesSnapshot(userRef, entityRef),
        });
        session = (await store.getSession(request.sessionId))!;
      }
      messages = [...session.messages, message];
      goal = textOf(message);
    } else {
      if (!session) throw new NotFoundError(`No session ${request.sessionId}`);
      messages = await this.applyDecisions(
        session,
        request.approvals!,
        credentials,
      );
      goal = `Decisions on held tool calls: ${request
        .approvals!.map(a => (a.approved ? 'approved' : 'denied'))
        .join(', ')}`;
    }
    // A new message is appended; decisions change the last answer.
    await store.saveMessages(
      session.id,
      messages,
      session.messages.length - (request.message ? 0 : 1),
    );
    const turn = await this.startTurn({
      session,
      messages,
      goal,
      notice,
      entity,
      credentials,
      configured,
      tools: this.options.tools,
      approvals: this.options.approvals,
    });
    pipeUIMessageStreamToResponse({
      response,
      stream: turn.stream,
      headers: {
        'x-hermes-session-id': session.id,
        'x-hermes-trace-id': turn.traceId,
      },
    });
  }

  async runTask(request: TaskTurnRequest): Promise<TaskTurnResult> {
    const { store } = this.options;
    const configured = this.options.models.languageModel('chat', request.model);
    if (!configured) throw new ServiceUnavailableError(NO_CHAT_MODEL);
    const { message, withheld } = maskCredentials({
      id: randomUUID(),
      role: 'user',
      parts: [{ type: 'text', text: request.prompt }],
    });
    const sessionId = randomUUID();
    await store.createSession({
      id: sessionId,
      userRef: request.ownerRef,
      entityRef: request.entityRef,
      title: `Task ${request.taskName}: ${titleOf(message)}`,
      notesSnapshot: await this.notesSnapshot(
        request.ownerRef,
        request.entityRef,
      ),
    });
    const session = (await store.getSession(sessionId))!;
    await store.saveMessages(sessionId, [message], 0);
    const turn = await this.startTurn({
      session,
      messages: [message],
      goal: textOf(message),
      notice: withheld.length ? withheldNotice(withheld) : undefined,
      entity: request.entity,
      credentials: request.credentials,
      configured,
      tools: unattendedTools(this.options.tools, request),
      approvals: heldForOwner(this.options.approvals),
    });
    // Nobody watches the stream: read it to the end so the turn runs and is recorded.
    const reader = turn.stream.getReader();
    while (!(await reader.read()).done);
    const finished = await turn.finished;
    const answer = finished.messages.at(-1);
    const held =
      answer?.role === 'assistant'
        ? answer.parts.filter(
            p => isToolUIPart(p) && p.state === 'approval-requested',
          ).length
        : 0;
    return {
      sessionId,
      traceId: turn.traceId,
      answer: answer?.role === 'assistant' ? textOf(answer) : '',
      model: `${configured.selection.provider}/${configured.selection.model}`,
      tokens: {
        input: finished.usage.inputTokens,
        output: finished.usage.outputTokens,
      },
      held,
      error: finished.failure?.error,
    };
  }

  /**
   * Runs one turn of the model over `messages` with the given tools, and records it when it
   * ends (the answer, held calls, trace, memory). The stream is the ai SDK's UI message
   * stream; `finished` settles once the turn is recorded.
   */
  private async startTurn(turn: {
    session: Session;
    messages: UIMessage[];
    goal: string;
    notice?: AgentNotice;
    entity?: Entity;
    credentials: BackstageCredentials;
    configured: { model: LanguageModel; selection: ModelSelection };
    tools: HermesTool[];
    approvals: TurnApprovals;
  }) {
    const { models, logger } = this.options;
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
      budget: this.options.chat.sessionTokenBudget,
      models,
      store: this.options.store,
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
      { ...this.options, skillIndexSize: this.options.chat.skillIndexSize },
    );

    const usage = { steps: 0, inputTokens: 0, outputTokens: 0 };
    let failure: { outcome: 'error' | 'timeout'; error: string } | undefined;
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

    let settle!: (value: {
      messages: UIMessage[];
      usage: typeof usage;
      failure?: typeof failure;
    }) => void;
    const finished = new Promise<{
      messages: UIMessage[];
      usage: typeof usage;
      failure?: typeof failure;
    }>(resolve => {
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
      stopWhen: stepCountIs(this.options.chat.maxSteps),
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
              this.options,
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

  private async notesSnapshot(userRef: string, entityRef?: string) {
    try {
      return await this.options.memory.notesSnapshot({ userRef, entityRef });
    } catch (error) {
      this.options.logger.warn(`Could not load notes: ${error}`);
      return '';
    }
  }

  /** Applies the user's decisions to the held calls of the last answer. */
  private async applyDecisions(
    session: Session,
    decisions: ApprovalDecision[],
    credentials: UserCredentials,
  ): Promise<UIMessage[]> {
    const messages = structuredClone(session.messages);
    const last = messages.at(-1);
    const userRef = credentials.principal.userEntityRef;
    for (const decision of decisions) {
      const part = last?.parts.find(
        p =>
          isToolUIPart(p) &&
          p.state === 'approval-requested' &&
          p.approval.id === decision.id,
      );
      if (!last || last.role !== 'assistant' || !part || !isToolUIPart(part))
        throw new InputError(
          `No held tool call ${decision.id} awaits a decision in session ${session.id}`,
        );
      const held = await this.options.approvals.get(decision.id);
      if (!held || held.sessionId !== session.id)
        throw new NotFoundError(`No held tool call ${decision.id}`);
      if (held.callHash !== callHash(getToolName(part), part.input))
        throw new NotAllowedError(
          `Held call ${decision.id} no longer matches what was approved; it will not run`,
        );
      const outcome = decision.approved ? 'approved' : 'denied';
      // A call the rule's approvers decided on already continues with their decision.
      if (held.status === 'pending')
        await this.options.approvals.decide(held, credentials, decision);
      else if (held.status !== outcome) throw alreadyDecided(held);
      Object.assign(part, {
        state: 'approval-responded',
        approval: {
          ...part.approval,
          approved: decision.approved,
          reason:
            decision.reason ?? `${outcome} by ${held.decidedBy ?? userRef}`,
        },
      });
    }
    return messages;
  }
}

/** The runs an answer's metadata names, oldest first. */
function traceIdsOf(metadata: unknown): string[] {
  const { traceId, traceIds } = (metadata ?? {}) as AgentMessageMetadata;
  if (Array.isArray(traceIds)) return traceIds;
  return traceId ? [traceId] : [];
}
