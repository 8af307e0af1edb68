// Rules that leave drift to a person: where people decide the same change both ways, no
// classification fits and a model's guess adds nothing.
import { triageFinding } from '../drift/triage';
import {
  candidateRule,
  countLabels,
  decidedBothWays,
  ruleMatchesFinding,
} from './gate';
import { describeScope, skillName } from './naming';
import type { TriageRuleInput } from './types';
import { Context, specific, Unit } from './units';

/**
 * Rules that leave drift to a person (`classify: unknown`): one per kind, drift type, writer
 * class and field that people decided both ways (`decidedBothWays`), across namespaces and
 * writers, where the active rules still send some of it to the model. The model is not asked
 * about such drift once approved: history says a guess would be a coin toss.
 */
export function leftToPeople(
  units: Unit[],
  ctx: Context,
  taken: Set<string>,
): Array<{ rule: TriageRuleInput; skill: string }> {
  const groups = new Map<string, Unit[]>();
  for (const unit of units) {
    const key = JSON.stringify([
      unit.kind,
      unit.type,
      unit.managerClass ?? '',
      unit.path ?? '',
    ]);
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }
  const out: Array<{ rule: TriageRuleInput; skill: string }> = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    const { namespaces, managers, ...match } = specific(
      group,
      group[0].path === undefined ? undefined : [group[0].path],
    );
    const rule = candidateRule({
      match,
      classify: 'unknown',
      reason: 'replay',
    });
    const matched = ctx.labelled.filter(({ item }) =>
      ruleMatchesFinding(rule, item.finding),
    );
    if (
      !decidedBothWays(
        matched.map(m => m.label),
        ctx.minSupport,
      )
    )
      continue;
    const leftToModel = group.some(
      u =>
        triageFinding(u.alone, ctx.active, u.alone.labels ?? {}).skill ===
        undefined,
    );
    if (!leftToModel) continue;
    const items = matched.map(m => m.item);
    out.push({
      rule: {
        match,
        classify: 'unknown',
        reason: `${describeScope(match)}: people decide both ways (${
          items.length
        } labelled: ${countLabels(items)}); the audit model is not asked`,
        recommend: `Decide from the change itself: ${countLabels(
          items,
        )} so far.`,
      },
      skill: skillName(match, 'unknown', taken),
    });
  }
  return out;
}
