import { triageFinding, TriageRule } from '../drift/triage';
import {
  candidateRule,
  contradictedBy,
  countLabels,
  ruleMatchesFinding,
} from './gate';
import { labelClass } from './labels';
import { leftToPeople } from './leftToPeople';
import { describeScope, skillName } from './naming';
import type { LabelledFinding, TriageRuleInput } from './types';
import { Context, Match, specific, Unit, unitsOf, Verdict } from './units';

// How many distinct values the evidence must span before a constraint is widened. A wrong
// harmless rule hides an incident while a wrong critical one only asks for a look, so
// critical rules generalise sooner, and only they may drop the path altogether.
const GENERALISE_AFTER: Record<Verdict, number> = { harmless: 3, critical: 2 };

/** What the rule matches, split by how each label relates to `verdict`. */
function replay(match: Match, verdict: Verdict, ctx: Context) {
  const rule = candidateRule({ match, classify: verdict, reason: 'replay' });
  const agreeing: LabelledFinding[] = [];
  /** Labels of the other class: a candidate with any is not proposed. */
  const against: LabelledFinding[] = [];
  /** `committed` under a critical rule: no support, and no counter-example either. */
  const neutral: LabelledFinding[] = [];
  for (const { item, label } of ctx.labelled) {
    if (!ruleMatchesFinding(rule, item.finding)) continue;
    if (label === verdict) agreeing.push(item);
    // Labelled otherwise for another of its changes: not the rule's to decide.
    else if (!contradictedBy(rule, item.finding, ctx.active)) continue;
    else if (verdict === 'critical' && label === 'action-needed')
      neutral.push(item);
    else against.push(item);
  }
  return { rule, agreeing, against, neutral };
}

/** Ids of matched findings whose label is not `verdict`: what widening must not add. */
function disagreeing(match: Match, verdict: Verdict, ctx: Context) {
  const r = replay(match, verdict, ctx);
  return new Set([...r.against, ...r.neutral].map(i => i.id));
}

const adds = (wider: Set<string>, narrower: Set<string>) =>
  [...wider].some(id => !narrower.has(id));

/**
 * Settles each listed constraint: dropped once the evidence spans enough values and dropping
 * it lets no finding labelled otherwise in. When dropping it would, the list is what tells
 * the outcomes apart, so each listed value must carry `minSupport` agreeing findings on its
 * own; values that do not are left out (none left: no candidate). Otherwise noise that
 * happened to fall in some namespaces would become a rule about those namespaces.
 */
function widen(
  match: Match,
  verdict: Verdict,
  ctx: Context,
): Match | undefined {
  let current = match;
  for (const key of ['managers', 'namespaces', 'clusters'] as const) {
    const values = current[key];
    if (!values) continue;
    const wider = { ...current };
    delete wider[key];
    const contradicted = adds(
      disagreeing(wider, verdict, ctx),
      disagreeing(current, verdict, ctx),
    );
    if (!contradicted) {
      if (values.length >= GENERALISE_AFTER[verdict]) current = wider;
      continue;
    }
    const listed = current;
    const strong = values.filter(
      v =>
        replay({ ...listed, [key]: [v] }, verdict, ctx).agreeing.length >=
        ctx.minSupport,
    );
    if (strong.length === 0) return undefined;
    current = { ...current, [key]: strong };
  }
  return current;
}

const SEPARATOR = /(~1|~0|[.\-_:])$/;

/** The longest common prefix, cut back to a separator so a glob never splits a word. */
function wordPrefix(values: string[]): string {
  let prefix = values[0];
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  for (let end = prefix.length; end > 0; end--) {
    if (SEPARATOR.test(prefix.slice(0, end))) return prefix.slice(0, end);
  }
  return '';
}

interface PathGroup {
  paths?: string[];
  units: Unit[];
  /** The exact paths to fall back to when the glob reaches a finding labelled otherwise. */
  exact?: PathGroup[];
}

/**
 * Paths that differ only in their last segment share one glob on their common word prefix
 * (`.../annotations/autoscaling.knative.dev~1*`); with no common prefix, `parent/*` needs as
 * many distinct fields as any other widening. Everything else keeps its exact path.
 */
function pathGroups(units: Unit[], verdict: Verdict): PathGroup[] {
  const byPath = new Map<string, Unit[]>();
  const pathless: Unit[] = [];
  for (const u of units) {
    if (u.path === undefined) pathless.push(u);
    else byPath.set(u.path, [...(byPath.get(u.path) ?? []), u]);
  }
  const exact = (path: string): PathGroup => ({
    paths: [path],
    units: byPath.get(path)!,
  });
  const byParent = new Map<string, string[]>();
  for (const path of [...byPath.keys()].sort()) {
    const parent = path.slice(0, path.lastIndexOf('/'));
    byParent.set(parent, [...(byParent.get(parent) ?? []), path]);
  }
  const groups: PathGroup[] = pathless.length ? [{ units: pathless }] : [];
  for (const [parent, paths] of byParent) {
    const prefix = wordPrefix(paths.map(p => p.slice(parent.length + 1)));
    const globbable =
      parent !== '' &&
      paths.length > 1 &&
      (prefix !== '' || paths.length >= GENERALISE_AFTER[verdict]);
    if (!globbable) groups.push(...paths.map(exact));
    else {
      groups.push({
        paths: [`${parent}/${prefix}*`],
        units: paths.flatMap(p => byPath.get(p)!),
        exact: paths.map(exact),
      });
    }
  }
  return groups;
}

/** Rules for one kind, drift type and writer class: per path, or one for all paths. */
function matchesForGroup(
  units: Unit[],
  verdict: Verdict,
  ctx: Context,
): Match[] {
  // A merged rule replaces its parts only when it is clean (no counter-example) and lets in
  // no finding labelled otherwise that the parts did not: merging a clean part with a
  // contradicted one would lose the clean one.
  const mergeable = (merged: Match, parts: Match[]) =>
    replay(merged, verdict, ctx).against.length === 0 &&
    !adds(
      disagreeing(merged, verdict, ctx),
      new Set(parts.flatMap(m => [...disagreeing(m, verdict, ctx)])),
    );
  const perPath: Match[] = [];
  for (const group of pathGroups(units, verdict)) {
    const glob = specific(group.units, group.paths);
    const exact = (group.exact ?? []).map(g => specific(g.units, g.paths));
    if (exact.length && !mergeable(glob, exact)) perPath.push(...exact);
    else perPath.push(glob);
  }
  if (verdict === 'critical' && perPath.length >= GENERALISE_AFTER.critical) {
    const anyPath = specific(units, undefined);
    if (mergeable(anyPath, perPath)) return [anyPath];
  }
  return perPath;
}

/** The evidence in words, e.g. "In serving-stack, Service /x written by a controller: 12 of 12 labelled harmless". */
function describe(
  match: Match,
  verdict: Verdict,
  r: ReturnType<typeof replay>,
): string {
  const matched = r.agreeing.length + r.neutral.length + r.against.length;
  const detail = verdict === 'critical' ? ` (${countLabels(r.agreeing)})` : '';
  const neutral = r.neutral.length ? `; ${r.neutral.length} committed` : '';
  return `${describeScope(match)}: ${
    r.agreeing.length
  } of ${matched} labelled ${verdict}${detail}${neutral}`;
}

function recommendation(r: ReturnType<typeof replay>): string {
  const done = [...r.agreeing, ...r.neutral].filter(
    i => i.label === 'reverted' || i.label === 'committed',
  ).length;
  const base = 'Revert the in-cluster change or commit it to Git';
  if (done === 0) return `${base}.`;
  return `${base}, as people did ${done === 1 ? 'once' : `${done} times`}.`;
}

/**
 * Proposes triage rules that generalise what people keep deciding. Findings of one label
 * class are grouped by kind, drift type and writer class, paths are generalised, and a
 * listed constraint is widened only while no finding labelled otherwise comes in. A candidate
 * needs `minSupport` agreeing findings, no counter-example (for a harmless rule any other
 * label; for a critical rule a harmless one: `committed` is neither, the gate weighs it) and
 * at least one field the active rules do not already classify the same way.
 */
export function induceRules(
  labelled: LabelledFinding[],
  options: { minSupport: number; activeRules?: TriageRule[] },
): Array<{ rule: TriageRuleInput; skill: string }> {
  const { minSupport } = options;
  if (!Number.isInteger(minSupport) || minSupport < 1) {
    throw new Error(
      `minSupport must be a whole number of at least 1, got ${minSupport}`,
    );
  }
  const ctx: Context = {
    labelled: labelled.map(item => ({ item, label: labelClass(item.label) })),
    active: options.activeRules ?? [],
    minSupport,
  };
  const groups = new Map<string, Unit[]>();
  for (const unit of labelled.flatMap(unitsOf)) {
    if (unit.label === 'action-needed') continue;
    // A harmless rule must say who wrote the field: unattributed drift stays with people.
    if (unit.label === 'harmless' && !unit.managerClass) continue;
    const key = JSON.stringify([
      unit.label,
      unit.kind,
      unit.type,
      unit.managerClass ?? '',
    ]);
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }

  const out: Array<{ rule: TriageRuleInput; skill: string }> = [];
  const seen = new Set<string>();
  const taken = new Set(ctx.active.map(r => r.skill));
  for (const key of [...groups.keys()].sort()) {
    const units = groups.get(key)!;
    const verdict = units[0].label as Verdict;
    for (const narrow of matchesForGroup(units, verdict, ctx)) {
      const match = widen(narrow, verdict, ctx);
      if (!match) continue;
      const id = JSON.stringify([verdict, match]);
      if (seen.has(id)) continue;
      seen.add(id);
      const r = replay(match, verdict, ctx);
      if (r.against.length > 0 || r.agreeing.length < minSupport) continue;
      const addsCoverage = units.some(
        u =>
          ruleMatchesFinding(r.rule, u.alone) &&
          triageFinding(u.alone, ctx.active, u.alone.labels ?? {})
            .classification !== verdict,
      );
      if (!addsCoverage) continue;
      const rule: TriageRuleInput = {
        match,
        classify: verdict,
        reason: describe(match, verdict, r),
        ...(verdict === 'critical' ? { recommend: recommendation(r) } : {}),
      };
      out.push({ rule, skill: skillName(match, verdict, taken) });
    }
  }
  out.push(...leftToPeople(labelled.flatMap(unitsOf), ctx, taken));
  return out;
}
