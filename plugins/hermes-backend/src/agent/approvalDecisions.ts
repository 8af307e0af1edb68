import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { ApprovalDecision } from '@hermes-backstage/plugin-hermes-common';
import { getToolName, isToolUIPart, UIMessage } from 'ai';
import {
  alreadyDecided,
  ApprovalsService,
  callHash,
} from '../governance/ApprovalsService';
import { Session } from './SessionStore';

/** Applies the user's decisions to the held calls of the last answer. */
export async function applyDecisions(
  session: Session,
  decisions: ApprovalDecision[],
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  approvals: Pick<ApprovalsService, 'get' | 'decide'>,
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
    const held = await approvals.get(decision.id);
    if (!held || held.sessionId !== session.id)
      throw new NotFoundError(`No held tool call ${decision.id}`);
    if (held.callHash !== callHash(getToolName(part), part.input))
      throw new NotAllowedError(
        `Held call ${decision.id} no longer matches what was approved; it will not run`,
      );
    const outcome = decision.approved ? 'approved' : 'denied';
    // A call the rule's approvers decided on already continues with their decision.
    if (held.status === 'pending')
      await approvals.decide(held, credentials, decision);
    else if (held.status !== outcome) throw alreadyDecided(held);
    Object.assign(part, {
      state: 'approval-responded',
      approval: {
        ...part.approval,
        approved: decision.approved,
        reason: decision.reason ?? `${outcome} by ${held.decidedBy ?? userRef}`,
      },
    });
  }
  return messages;
}
