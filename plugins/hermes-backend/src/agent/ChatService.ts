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
  AgentNotice,
  ApprovalDecision,
} from '@hermes-backstage/plugin-hermes-common';
import { isToolUIPart, pipeUIMessageStreamToResponse, UIMessage } from 'ai';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DriftService } from '../drift/DriftService';
import { ApprovalsService } from '../governance/ApprovalsService';
import { ClusterDefinition } from '../kubernetes/clusters';
import { MemoryService } from '../memory/MemoryService';
import { ModelRegistry } from '../models/ModelRegistry';
import { PolicyService } from '../policy/PolicyService';
import { SkillsService } from '../skills/SkillsService';
import { applyDecisions } from './approvalDecisions';
import { maskCredentials, textOf, titleOf, withheldNotice } from './messages';
import { KnexSessionStore, SessionStore } from './SessionStore';
import { agentTools } from './tools';
import { HermesTool } from './tools/types';
import { KnexTraceStore, TraceStore } from './TraceStore';
import { ChatOptions, startTurn } from './turn';
import { heldForOwner, unattendedTools } from './unattended';

export type { ChatOptions } from './turn';

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
      messages = await applyDecisions(
        session,
        request.approvals!,
        credentials,
        this.options.approvals,
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
    const turn = await startTurn(
      {
        session,
        messages,
        goal,
        notice,
        entity,
        credentials,
        configured,
        tools: this.options.tools,
        approvals: this.options.approvals,
      },
      this.options,
    );
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
    const turn = await startTurn(
      {
        session,
        messages: [message],
        goal: textOf(message),
        notice: withheld.length ? withheldNotice(withheld) : undefined,
        entity: request.entity,
        credentials: request.credentials,
        configured,
        tools: unattendedTools(this.options.tools, request),
        approvals: heldForOwner(this.options.approvals),
      },
      this.options,
    );
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

  private async notesSnapshot(userRef: string, entityRef?: string) {
    try {
      return await this.options.memory.notesSnapshot({ userRef, entityRef });
    } catch (error) {
      this.options.logger.warn(`Could not load notes: ${error}`);
      return '';
    }
  }
}
