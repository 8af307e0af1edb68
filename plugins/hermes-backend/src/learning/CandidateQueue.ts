import { LoggerService } from '@backstage/backend-plugin-api';
import {
  evaluateCandidate,
  LabelledFinding,
  LearningCandidate,
  TriageRule,
  TriageRuleInput,
} from '@hermes-backstage/plugin-hermes-common';
import { randomUUID } from 'node:crypto';
import { CandidateStore, ruleHash } from './CandidateStore';
import { SkillDrafts } from './SkillDrafts';

/** What became of one proposed rule: stored as a candidate, or skipped and why. */
export type Submission =
  | { candidate: LearningCandidate; skipped?: undefined }
  | { candidate?: undefined; skipped: string };

/**
 * The one way a proposed triage rule, whoever proposed it (induction or reflection), reaches
 * people: replayed over the labelled history by the evaluation gate, stored once as a candidate
 * (proposed, or rejected with the reason), and, when accepted, queued as a skill draft.
 */
export class CandidateQueue {
  constructor(
    private readonly options: {
      store: CandidateStore;
      drafts: SkillDrafts;
      logger: LoggerService;
      minSupport: number;
      now: () => Date;
    },
  ) {}

  /** One result per proposed rule, in order. */
  async submit(
    proposed: Array<{ rule: TriageRuleInput; skill: string }>,
    context: {
      labelled: LabelledFinding[];
      activeRules: TriageRule[];
      source: LearningCandidate['source'];
    },
  ): Promise<Submission[]> {
    const { store, drafts, logger, minSupport } = this.options;
    const { labelled, activeRules, source } = context;
    // A malformed rule has no hash worth asking about; it is skipped below.
    const hashOf = (rule: TriageRuleInput) => {
      try {
        return ruleHash(rule);
      } catch {
        return undefined;
      }
    };
    const known = await store.knownHashes(
      proposed.map(p => hashOf(p.rule)).filter((h): h is string => !!h),
    );

    const results: Submission[] = [];
    for (const { rule, skill } of proposed) {
      const hash = hashOf(rule);
      if (hash && known.has(hash)) {
        results.push({ skipped: 'the same rule was proposed before' });
        continue;
      }
      let gate: ReturnType<typeof evaluateCandidate>;
      try {
        gate = evaluateCandidate(rule, labelled, activeRules, minSupport);
      } catch (error) {
        // A malformed rule (from a proposer other than induction) is nobody's to review.
        const reason = (error as Error).message;
        logger.warn(`Skipped a proposed rule for skill "${skill}": ${reason}`);
        results.push({ skipped: reason });
        continue;
      }
      known.add(hash!);
      const accepted = gate.verdict === 'accept';
      const candidate: LearningCandidate = {
        id: randomUUID(),
        skill: accepted ? await drafts.target(skill) : skill,
        rule,
        source,
        status: accepted ? 'proposed' : 'rejected',
        ...(accepted
          ? {}
          : { rejection: gate.rejection ?? 'rejected by the evaluation gate' }),
        evidence: gate.evidence,
        createdAt: this.options.now().toISOString(),
      };
      // The row goes in first: of two runs proposing the same rule, only one drafts it.
      const inserted = await store.insert({
        ...candidate,
        status: candidate.status as 'proposed' | 'rejected',
        createdAt: new Date(candidate.createdAt),
      });
      if (!inserted) {
        results.push({ skipped: 'the same rule was proposed before' });
        continue;
      }
      if (accepted) {
        try {
          const draft = await drafts.queue(candidate);
          await store.setDraftVersion(candidate.id, draft.version);
          candidate.draftVersion = draft.version;
        } catch (error) {
          // Without its draft nobody could approve it; a later run proposes it again.
          await store.delete(candidate.id);
          const reason = `Could not queue the learned rule for skill "${
            candidate.skill
          }" as a draft: ${(error as Error).message}`;
          logger.warn(reason);
          results.push({ skipped: reason });
          continue;
        }
      }
      results.push({ candidate });
    }
    return results;
  }
}
