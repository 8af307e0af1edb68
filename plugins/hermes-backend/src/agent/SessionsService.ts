import {
  BackstageCredentials,
  BackstageUserPrincipal,
  DatabaseService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { hermesSessionsAdminPermission } from '@hermes-backstage/plugin-hermes-common';
import { MemoryService } from '../memory/MemoryService';
import { SkillsService } from '../skills/SkillsService';
import {
  KnexSessionStore,
  Session,
  SessionStore,
  SessionSummary,
} from './SessionStore';
import { KnexTraceStore, TraceStore } from './TraceStore';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** A user's conversations with the agent, and their feedback on its answers. */
export interface SessionsService {
  /** The user's conversations, newest first; with `q`, those matching it, best first. */
  list(
    credentials: UserCredentials,
    filter?: { entityRef?: string; q?: string },
  ): Promise<SessionSummary[]>;
  /**
   * A conversation of the user. Others' are reported as not found, unless the user holds the
   * sessions admin permission.
   */
  get(id: string, credentials: UserCredentials): Promise<Session>;
  delete(id: string, credentials: UserCredentials): Promise<void>;
  /**
   * A rating (and why) on the answer a run produced, which also scores the skills the answer
   * loaded. An answer continued after decisions on held calls has several runs: the rating
   * applies to every one of them, whichever is named.
   */
  feedback(
    traceId: string,
    credentials: UserCredentials,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void>;
}

export class DefaultSessionsService implements SessionsService {
  constructor(
    private readonly options: {
      store: SessionStore;
      traces: TraceStore;
      permissions: PermissionsService;
      memory: Pick<MemoryService, 'search'>;
      skills: Pick<SkillsService, 'recordOutcome'>;
    },
  ) {}

  static async create(options: {
    database: DatabaseService;
    permissions: PermissionsService;
    memory: Pick<MemoryService, 'search'>;
    skills: Pick<SkillsService, 'recordOutcome'>;
  }): Promise<DefaultSessionsService> {
    return new DefaultSessionsService({
      ...options,
      store: await KnexSessionStore.create(options),
      traces: await KnexTraceStore.create(options),
    });
  }

  async list(
    credentials: UserCredentials,
    filter: { entityRef?: string; q?: string } = {},
  ): Promise<SessionSummary[]> {
    const sessions = await this.options.store.listSessions(
      credentials.principal.userEntityRef,
      { entityRef: filter.entityRef },
    );
    if (!filter.q) return sessions;
    const byId = new Map(sessions.map(s => [s.id, s]));
    const hits = await this.options.memory.search(filter.q, {
      credentials,
      kinds: ['session'],
      limit: 50,
    });
    return hits
      .filter(hit => byId.has(hit.sourceId))
      .map(hit => ({ ...byId.get(hit.sourceId)!, snippet: hit.snippet }));
  }

  async get(id: string, credentials: UserCredentials): Promise<Session> {
    const session = await this.options.store.getSession(id);
    if (
      !session ||
      (session.userRef !== credentials.principal.userEntityRef &&
        !(await this.isAdmin(credentials)))
    )
      throw new NotFoundError(`No session ${id}`);
    return session;
  }

  async delete(id: string, credentials: UserCredentials): Promise<void> {
    await this.get(id, credentials);
    await this.options.store.deleteSession(id);
  }

  async feedback(
    traceId: string,
    credentials: UserCredentials,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void> {
    const { traces, store, skills } = this.options;
    const userRef = credentials.principal.userEntityRef;
    const trace = await traces.get(traceId);
    if (!trace || trace.userRef !== userRef)
      throw new NotFoundError(`No agent run ${traceId}`);
    const answer = trace.sessionId
      ? await store.answerTraceIds(trace.sessionId, traceId)
      : undefined;
    for (const id of answer ?? [traceId]) {
      // The answer is in the user's own session; a run it names that was never recorded
      // (the turn failed to save) is skipped.
      const run = id === traceId ? trace : await traces.get(id);
      if (!run || run.userRef !== userRef) continue;
      await traces.setFeedback(id, feedback);
      await skills.recordOutcome(
        id,
        feedback.rating === 'up' ? 'success' : 'failure',
      );
    }
  }

  private async isAdmin(credentials: UserCredentials) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: hermesSessionsAdminPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
