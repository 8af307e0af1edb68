import {
  BackstageCredentials,
  BackstageUserPrincipal,
  DatabaseService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  HeldToolCall,
  redactSecrets,
} from '@hermes-backstage/plugin-hermes-common';
import {
  ApprovalDecisionResult,
  ApprovalRule,
  callHash,
  CallTarget,
  decideApproval,
  readApprovalRules,
} from './approvalRules';
import {
  ApprovalStore,
  HeldCall,
  KnexApprovalStore,
  NewHeldCall,
} from './ApprovalStore';

export { callHash };
export type { ApprovalDecisionResult, CallTarget, HeldCall, NewHeldCall };

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** Governance of the agent's changing tool calls: the rules, held calls and decisions. */
export interface ApprovalsService {
  /** What the rules (`hermes.approvals.rules`) say about a changing call; the first match decides. */
  check(tool: string, target: CallTarget): ApprovalDecisionResult;
  /** Stores a call the agent was told to hold, and tells its approvers. */
  hold(call: NewHeldCall, askedBy: string): Promise<void>;
  /**
   * Without a session: the pending calls this user may decide. With one: that session's
   * calls, for the user who owns it or may decide on them.
   */
  list(
    credentials: UserCredentials,
    filter?: { sessionId?: string },
  ): Promise<HeldToolCall[]>;
  get(id: string): Promise<HeldCall | undefined>;
  findByToolCall(
    sessionId: string,
    toolCallId: string,
  ): Promise<HeldCall | undefined>;
  markExecuted(id: string): Promise<boolean>;
  /**
   * Records an allowed user's decision on a pending call, given by id or as already read
   * (the chat has it in hand after checking it belongs to the conversation).
   */
  decide(
    target: string | HeldCall,
    credentials: UserCredentials,
    decision: { approved: boolean },
  ): Promise<HeldToolCall>;
}

/**
 * Who decides on held tool calls. A call whose rule names approvers waits for one of them
 * (a user, or a member of a group, named there); otherwise the user who asked decides. A
 * decision never runs the call itself: it runs in the asker's conversation, with the asker's
 * credentials, when they continue it, so approval never lends anyone else's permissions.
 */
export class DefaultApprovalsService implements ApprovalsService {
  constructor(
    private readonly options: {
      store: ApprovalStore;
      rules: ApprovalRule[];
      userInfo: UserInfoService;
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  static async create(options: {
    config: Config;
    database: DatabaseService;
    userInfo: UserInfoService;
    notifications: NotificationService;
    logger: LoggerService;
  }): Promise<DefaultApprovalsService> {
    return new DefaultApprovalsService({
      ...options,
      store: await KnexApprovalStore.create(options),
      rules: readApprovalRules(options.config),
    });
  }

  check(tool: string, target: CallTarget): ApprovalDecisionResult {
    return decideApproval(this.options.rules, tool, target);
  }

  async hold(call: NewHeldCall, askedBy: string): Promise<void> {
    await this.options.store.hold(call);
    if (!call.approvers?.length) return;
    await this.notify(call.approvers, {
      title: `Hermes asks to run ${call.tool} for ${askedBy}`,
      description: `${
        call.reason ?? 'An approval rule holds this call'
      }. Input: ${JSON.stringify(call.input)}`,
      link: '/hermes?tab=approvals',
      severity: 'high',
      scope: `hermes-approval:${call.id}`,
    });
  }

  async list(
    credentials: UserCredentials,
    filter: { sessionId?: string } = {},
  ): Promise<HeldToolCall[]> {
    const userRef = credentials.principal.userEntityRef;
    const refs = await this.ownershipRefs(credentials);
    const calls = await this.options.store.list(filter);
    return calls
      .filter(
        call =>
          mayDecide(call, userRef, refs) ||
          (filter.sessionId !== undefined && call.askedBy === userRef),
      )
      .map(call => view(call, userRef, refs));
  }

  get(id: string): Promise<HeldCall | undefined> {
    return this.options.store.get(id);
  }

  findByToolCall(sessionId: string, toolCallId: string) {
    return this.options.store.findByToolCall(sessionId, toolCallId);
  }

  markExecuted(id: string): Promise<boolean> {
    return this.options.store.transition(id, 'approved', 'executed');
  }

  async decide(
    target: string | HeldCall,
    credentials: UserCredentials,
    decision: { approved: boolean },
  ): Promise<HeldToolCall> {
    const userRef = credentials.principal.userEntityRef;
    const refs = await this.ownershipRefs(credentials);
    const call =
      typeof target === 'string'
        ? await this.options.store.get(target)
        : target;
    const id = typeof target === 'string' ? target : target.id;
    const allowed = call !== undefined && mayDecide(call, userRef, refs);
    // Someone who may neither decide nor read the session learns nothing about it.
    if (!call || (!allowed && call.askedBy !== userRef))
      throw new NotFoundError(`No held tool call ${id}`);
    if (!allowed)
      throw new NotAllowedError(
        `Only ${call.approvers!.join(', ')} may decide on ${call.tool}`,
      );
    const outcome = decision.approved ? 'approved' : 'denied';
    if (!(await this.options.store.transition(id, 'pending', outcome, userRef)))
      throw alreadyDecided((await this.options.store.get(id)) ?? call);
    if (call.askedBy !== userRef) {
      await this.notify([call.askedBy], {
        title: `${userRef} ${outcome} ${call.tool}`,
        description: `Continue the conversation "${call.sessionTitle}" to ${
          decision.approved ? 'run it' : 'tell Hermes'
        }.`,
        link: `/hermes?session=${call.sessionId}`,
        severity: 'normal',
        scope: `hermes-approval:${call.id}`,
      });
    }
    return view(
      { ...call, status: outcome, decidedBy: userRef },
      userRef,
      refs,
    );
  }

  private async ownershipRefs(credentials: UserCredentials) {
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    return ownershipEntityRefs;
  }

  // A notification is a courtesy: failing to send one must not fail the decision. What it
  // says is masked like everything else that leaves the conversation.
  private async notify(
    entityRefs: string[],
    payload: {
      title: string;
      description: string;
      link: string;
      severity: 'high' | 'normal';
      scope: string;
    },
  ) {
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: entityRefs },
        payload: {
          ...payload,
          title: redactSecrets(payload.title),
          description: redactSecrets(payload.description).slice(0, 1000),
          topic: 'hermes-approvals',
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not notify ${entityRefs.join(', ')} about a held call: ${error}`,
      );
    }
  }
}

/** The refusal for deciding on a call that is no longer pending. */
export function alreadyDecided(call: HeldCall): ConflictError {
  return new ConflictError(
    `Held call ${call.id} was already ${call.status}${
      call.decidedBy ? ` by ${call.decidedBy}` : ''
    }`,
  );
}

function mayDecide(call: HeldCall, userRef: string, refs: string[]) {
  return call.approvers?.length
    ? call.approvers.some(a => refs.includes(a) || a === userRef)
    : call.askedBy === userRef;
}

/**
 * A held call as the inbox and the conversation show it: credentials in its conversation's
 * title and its input masked (the stored input, which the call is bound to, is untouched).
 */
function view(call: HeldCall, userRef: string, refs: string[]): HeldToolCall {
  const { toolCallId: _t, callHash: _h, ...rest } = call;
  return {
    ...rest,
    sessionTitle: redactSecrets(call.sessionTitle),
    input: maskStrings(call.input),
    canDecide: call.status === 'pending' && mayDecide(call, userRef, refs),
  };
}

function maskStrings(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(maskStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactSecrets(k), maskStrings(v)]),
    );
  return value;
}
