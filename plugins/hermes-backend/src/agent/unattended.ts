import { NotAllowedError } from '@backstage/errors';
import { ApprovalsService } from '../governance/ApprovalsService';
import { HermesTool } from './tools/types';

// Read-only tools a task may use with the plugin's own credentials. Left out: other plugins'
// actions and memory search, whose answers depend on who asks, and which no plugin
// credentials may answer in a person's place.
const TASK_READ_TOOLS = new Set([
  'drift_findings',
  'catalog_get_entity',
  'catalog_search',
  'kubernetes_list',
  'policy_check',
  'skills_search',
  'skill_view',
]);

// Read-only tools whose answer is about one entity.
const ENTITY_TOOLS = new Set(['drift_findings', 'kubernetes_list']);

/**
 * The tools of a task's run: the read-only ones, kept inside the scope its owner could read
 * when the task was saved (its entity; all drift only with `hermes.drift.read`), and the
 * changing ones, whose calls are held for the owner (see {@link heldForOwner}).
 */
export function unattendedTools(
  tools: HermesTool[],
  scope: { entityRef?: string; driftRead: boolean },
): HermesTool[] {
  const { entityRef } = scope;
  const outside = (name: string, asked: unknown) =>
    new NotAllowedError(
      `${name}: this task is scoped to ${entityRef} and reads nothing else (asked for ${asked})`,
    );
  return tools.flatMap(tool => {
    if (tool.changes === true) return [tool];
    if (!TASK_READ_TOOLS.has(tool.name)) return [];
    if (!entityRef) {
      if (tool.name === 'drift_findings' && !scope.driftRead) return [];
      return [tool];
    }
    if (tool.name === 'catalog_search') return [];
    return [
      {
        ...tool,
        async execute(input: any, context) {
          const asked = input?.entityRef;
          if (asked !== undefined && asked !== entityRef)
            throw outside(tool.name, asked);
          // Entity tools read the task's entity when the model names none; the others
          // (skills, policy) read nothing about entities.
          return tool.execute(
            ENTITY_TOOLS.has(tool.name) ? { ...input, entityRef } : input,
            context,
          );
        },
      },
    ];
  });
}

/**
 * The approval rules as a task's run sees them: a changing call a rule would allow is held
 * for the owner instead, so a schedule alone never changes anything; denials stay denials.
 */
export function heldForOwner(approvals: TurnApprovals): TurnApprovals {
  return {
    check(tool, target) {
      const decision = approvals.check(tool, target);
      return decision.effect === 'allow'
        ? {
            ...decision,
            effect: 'require-approval',
            reason:
              'a scheduled run changes nothing by itself; its owner decides',
          }
        : decision;
    },
    findByToolCall: (sessionId, toolCallId) =>
      approvals.findByToolCall(sessionId, toolCallId),
    markExecuted: id => approvals.markExecuted(id),
  };
}

/** What a turn asks of the approvals while it runs. */
export type TurnApprovals = Pick<
  ApprovalsService,
  'check' | 'findByToolCall' | 'markExecuted'
>;
