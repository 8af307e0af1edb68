import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { SkillEffect } from '@hermes-backstage/plugin-hermes-common';

/**
 * Where the skills API learns each skill's effect on drift triage.
 *
 * Why an interface the plugin wires, rather than the skills capability reading audits: drift
 * and learning already depend on skills (for triage rules and drafts), so skills importing
 * them would make the dependency circular. The learning capability, which computes the same
 * figures for its own view, implements this (`skillEffectSource` in `learning/metrics.ts`).
 * One call answers for every skill, so a list costs one computation, not one per skill; the
 * frontend asking `/learning/metrics` instead would duplicate the join in every client and
 * fetch every audit's figures to show one skill.
 */
export interface SkillEffectSource {
  /**
   * Each skill with triage rules or classifications, by name, over the audits the caller may
   * read; undefined when the caller may not read drift at all.
   */
  effects(
    credentials: BackstageCredentials,
  ): Promise<Map<string, SkillEffect> | undefined>;
}
