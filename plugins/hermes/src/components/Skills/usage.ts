import {
  SkillEffect,
  SkillUsageSummary,
} from '@hermes-backstage/plugin-hermes-common';

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * How a skill is used, in a few words for the list: classifying drift in audits counts as
 * much as being loaded by the agent in chat, e.g.
 * "classified 140 findings in 30 audits · loaded by the agent 3×"; "not used" only when neither.
 */
export function usedText(
  usage: SkillUsageSummary | undefined,
  effect: SkillEffect | undefined,
): string {
  const parts: string[] = [];
  if (effect && effect.classified > 0) {
    parts.push(
      `classified ${plural(
        effect.classified,
        'finding',
        'findings',
      )} in ${plural(effect.audits, 'audit', 'audits')}`,
    );
  }
  if (usage && usage.loaded > 0) {
    parts.push(`loaded by the agent ${usage.loaded}×`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'not used';
}

/** The agent's use of a skill, for its panel (which adds when it was last used). */
export function agentUsageText(usage: SkillUsageSummary): string {
  const { loaded, successes, failures } = usage;
  if (loaded === 0) return 'Not loaded by the agent in chat yet.';
  return `Loaded by ${loaded} agent ${
    loaded === 1 ? 'run' : 'runs'
  }: ${successes} succeeded, ${failures} failed`;
}
