import type {
  SkillIndexEntry,
  SkillSearchHit,
} from '@hermes-backstage/plugin-hermes-common';
import { SkillApplicability } from './content';
import { SkillSearchStore } from './SkillSearchStore';
import { SkillIndexEntity, SkillIndexRequest } from './SkillsService';

const DEFAULT_INDEX_SIZE = 12;

/** Active skills matching any word of `query`, most relevant first (10, at most 50). */
export function searchSkills(
  store: SkillSearchStore,
  query: string,
  options?: { limit?: number },
): Promise<SkillSearchHit[]> {
  const limit = Math.min(Math.max(options?.limit ?? 10, 1), 50);
  return store.search(query, limit);
}

/**
 * The active skills most relevant to a task, for the prompt. Only this index enters the
 * prompt, so it stays small however large the library grows.
 */
export async function chooseSkillIndex(
  store: SkillSearchStore,
  request: SkillIndexRequest,
): Promise<SkillIndexEntry[]> {
  const limit = request.limit ?? DEFAULT_INDEX_SIZE;
  const [ranked, fields] = await Promise.all([
    store.rank(request.task, 100),
    store.listIndexFields(),
  ]);
  // Relevance relative to the best match, so it weighs the same on both databases.
  const best = ranked[0]?.score ?? 0;
  const relevance = new Map(
    ranked.map(r => [r.name, best > 0 ? r.score / best : 0]),
  );
  const entityTags = new Set(
    (request.entity?.tags ?? []).map(t => t.toLowerCase()),
  );
  const eligible = fields.flatMap(skill => {
    const fit = applicability(skill.appliesTo, request.entity);
    if (fit === undefined) return [];
    const sharedTags = skill.tags.filter(t =>
      entityTags.has(t.toLowerCase()),
    ).length;
    const score =
      (relevance.get(skill.name) ?? 0) + fit + 0.25 * Math.min(sharedTags, 2);
    return [{ name: skill.name, score }];
  });
  // A small library costs little: offer all of it. A large one only what matches.
  const everything = eligible.length <= limit;
  const chosen = eligible
    .filter(skill => everything || skill.score > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit);
  if (chosen.length === 0) return [];
  const descriptions = await store.getDescriptions(chosen.map(c => c.name));
  return chosen.map(c => ({
    name: c.name,
    description: descriptions.get(c.name) ?? '',
  }));
}

/**
 * How well a skill's declared applicability fits the entity: undefined when it declares
 * entity kinds or annotations the entity does not have, else 1 for each that matches, which
 * outweighs any text relevance (at most 1): a skill written for this kind of entity wins.
 */
function applicability(
  appliesTo: SkillApplicability | undefined,
  entity: SkillIndexEntity | undefined,
): number | undefined {
  if (!entity || !appliesTo) return 0;
  let fit = 0;
  if (appliesTo.entityKinds.length > 0) {
    const kind = entity.kind.toLowerCase();
    if (!appliesTo.entityKinds.some(k => k.toLowerCase() === kind)) {
      return undefined;
    }
    fit += 1;
  }
  if (appliesTo.annotations.length > 0) {
    const present = entity.annotations ?? {};
    if (!appliesTo.annotations.some(key => key in present)) return undefined;
    fit += 1;
  }
  return fit;
}
