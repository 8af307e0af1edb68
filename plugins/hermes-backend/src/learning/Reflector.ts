import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  LabelledFinding,
  LearningCandidate,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import type { TraceReader } from '../agent/TraceReader';
import type { ModelRegistry } from '../models/ModelRegistry';
import { CandidateQueue } from './CandidateQueue';
import type { LearningDrift, LearningSkills } from './LearningService';
import {
  askReflectionModel,
  parseReflectionAnswer,
  ReflectionAnswer,
} from './reflectionModel';
import {
  Reflection,
  ReflectionProposal,
  ReflectionResult,
  ReflectionStore,
} from './ReflectionStore';

/** What a reflection did, or why none ran. */
export type ReflectionReport =
  | { status: 'skipped'; reason: string }
  | Reflection;

export interface ReflectionRun {
  reflection: ReflectionReport;
  /** Triage rules it proposed that the gate stored (proposed or rejected). */
  candidates: LearningCandidate[];
}

/** Agent runs and labelled findings one reflection reads at most. */
const TRACES_READ = 40;
const FINDINGS_READ = 60;
/** Skills whose full text the model sees (those the runs used), so it can patch them. */
const DOCUMENTS_SHOWN = 5;
/** A reflection still `running` after this is taken to have died with its replica. */
const RUNNING_AT_MOST_MS = 15 * 60_000;

const isNotFound = (error: unknown) =>
  (error as Error)?.name === NotFoundError.name;
const lastLabelledAt = (l: LabelledFinding) =>
  Date.parse(l.labels[l.labels.length - 1]?.at ?? l.foundAt);

/**
 * Reflection: every N tasks (audits and agent runs since the previous reflection), or when
 * asked, the reflection model reads the recent agent runs and labelled findings and proposes
 * skills, patches and triage rules. Skills and patches become skill drafts for a person to
 * approve; triage rules go through the evaluation gate like induced ones.
 */
export class Reflector {
  constructor(
    private readonly options: {
      store: ReflectionStore;
      queue: CandidateQueue;
      drift: LearningDrift;
      skills: LearningSkills;
      logger: LoggerService;
      models?: Pick<ModelRegistry, 'languageModel'>;
      traces?: TraceReader;
      reflectEvery: number;
      now: () => Date;
    },
  ) {}

  list(options?: { limit?: number }): Promise<Reflection[]> {
    return this.options.store.list(options);
  }

  /** The schedule's check: reflects when N tasks were recorded since the last reflection. */
  async check(): Promise<ReflectionRun | undefined> {
    const { store, drift, traces, reflectEvery, models } = this.options;
    if (!traces || !models?.languageModel('reflection')) return undefined;
    const latest = await store.latest();
    const since = latest && new Date(latest.startedAt);
    // An audit run by a task is counted as an audit, a prompt task's run as an agent run:
    // counting task runs as well would count each of them twice.
    const runs = await traces.countTraces({ since });
    const audits = (await drift.listAudits()).filter(
      a => !since || Date.parse(a.startedAt) > since.getTime(),
    ).length;
    if (runs + audits < reflectEvery) return undefined;
    return this.reflect('scheduled', { latest, tasksCounted: runs + audits });
  }

  /**
   * Reflects now. `latest` is the reflection the caller counted from: of two callers that
   * counted from the same one, only one reflects.
   */
  async reflect(
    trigger: Reflection['trigger'],
    counted?: {
      latest: Awaited<ReturnType<ReflectionStore['latest']>>;
      tasksCounted: number;
    },
  ): Promise<ReflectionRun> {
    const { store, models, traces, logger } = this.options;
    const skipped = (reason: string): ReflectionRun => ({
      reflection: { status: 'skipped', reason },
      candidates: [],
    });
    const configured = models?.languageModel('reflection');
    if (!configured)
      return skipped(
        'no reflection model is configured (hermes.models.reflection); only induction ran',
      );
    if (!traces)
      return skipped('the agent runs are not available to the learning loop');
    const latest = counted ? counted.latest : await store.latest();
    const now = this.options.now();
    if (
      latest?.status === 'running' &&
      now.getTime() - Date.parse(latest.startedAt) < RUNNING_AT_MOST_MS
    )
      return skipped(
        `a reflection started at ${latest.startedAt} is still running`,
      );
    const since = latest && new Date(latest.startedAt);
    const id = randomUUID();
    const claimed = await store.claim({
      id,
      sequence: (latest?.sequence ?? 0) + 1,
      trigger,
      startedAt: now,
      since,
      tasksCounted: counted?.tasksCounted,
    });
    if (!claimed) return skipped('another reflection started at the same time');

    const { provider, model: modelId, timeoutMs } = configured.selection;
    const modelName = `${provider}/${modelId}`;
    const result: ReflectionResult = {
      status: 'completed',
      tracesRead: 0,
      findingsRead: 0,
      proposals: [],
      warnings: [],
    };
    let candidates: LearningCandidate[] = [];
    try {
      const runs = await traces.recentTraces({ since, limit: TRACES_READ });
      const findings = (
        await this.options.drift.listLabelledFindings({ since })
      )
        .sort((a, b) => lastLabelledAt(b) - lastLabelledAt(a))
        .slice(0, FINDINGS_READ);
      result.tracesRead = runs.length;
      result.findingsRead = findings.length;
      if (runs.length === 0 && findings.length === 0) {
        result.warnings.push(
          'nothing to reflect on: no agent run or label was recorded since the last reflection',
        );
      } else {
        const documents = await this.skillDocuments(
          runs.flatMap(r => r.skillsUsed),
        );
        const index = (await this.options.skills.listDocuments()).map(s => ({
          name: s.name,
          description: s.description,
        }));
        let answer: ReflectionAnswer;
        result.model = modelName;
        try {
          const reply = await askReflectionModel({
            model: configured.model,
            timeoutMs,
            input: { traces: runs, findings, skills: index, documents },
          });
          result.inputTokens = reply.inputTokens;
          result.outputTokens = reply.outputTokens;
          try {
            answer = parseReflectionAnswer(reply.text);
          } catch (error) {
            throw new Error(
              `the reflection model ${modelName} answered malformed JSON (${
                (error as Error).message
              }); nothing was proposed`,
            );
          }
        } catch (error) {
          const message = (error as Error).message;
          throw new Error(
            message.startsWith('the reflection model')
              ? message
              : `the reflection model ${modelName} failed: ${message}`,
          );
        }
        candidates = await this.apply(answer, documents, result.proposals);
      }
    } catch (error) {
      result.status = 'failed';
      result.error = (error as Error).message;
      logger.warn(`Reflection failed: ${result.error}`);
    }
    await store.finish(id, result, this.options.now());
    if (result.status === 'completed') {
      logger.info(
        `Reflection read ${result.tracesRead} agent runs and ${
          result.findingsRead
        } labelled findings: ${describe(result.proposals)}`,
      );
    }
    return { reflection: (await store.get(id))!, candidates };
  }

  /** Drafts the skills and patches, and submits the triage rules to the gate. */
  private async apply(
    answer: ReflectionAnswer,
    documents: Array<{ name: string }>,
    proposals: ReflectionProposal[],
  ): Promise<LearningCandidate[]> {
    const { skills, queue, drift } = this.options;
    const message = (reason: string) =>
      `Proposed by reflection${reason ? `: ${reason}` : ''}`.slice(0, 500);
    for (const proposal of answer.skills) {
      const base = {
        kind: 'skill' as const,
        skill: proposal.name,
        reason: proposal.reason,
      };
      if (await this.exists(proposal.name)) {
        proposals.push({
          ...base,
          outcome: 'skipped',
          detail: `a skill named "${proposal.name}" exists; reflection may only patch it`,
        });
        continue;
      }
      proposals.push(
        await this.draft(base, () =>
          skills.draft(skillDocument(proposal), {
            message: message(proposal.reason),
          }),
        ),
      );
    }
    const shown = new Set(documents.map(d => d.name));
    for (const patch of answer.patches) {
      const base = {
        kind: 'patch' as const,
        skill: patch.skill,
        reason: patch.reason,
      };
      if (!shown.has(patch.skill)) {
        proposals.push({
          ...base,
          outcome: 'skipped',
          detail: `the model was not shown the text of skill "${patch.skill}"`,
        });
        continue;
      }
      proposals.push(
        await this.draft(base, () =>
          skills.patch(
            patch.skill,
            { oldText: patch.oldText, newText: patch.newText },
            { message: message(patch.reason) },
          ),
        ),
      );
    }
    if (answer.triageRules.length === 0) return [];
    const labelled = await drift.listLabelledFindings();
    const { rules: activeRules } = triageRulesFromSkills(
      await skills.listDocuments(),
    );
    const submitted = await queue.submit(answer.triageRules, {
      labelled,
      activeRules,
      source: 'reflection',
    });
    const candidates: LearningCandidate[] = [];
    submitted.forEach((s, i) => {
      const { skill, rule } = answer.triageRules[i];
      const reason = typeof rule.reason === 'string' ? rule.reason : '';
      if (!s.candidate) {
        proposals.push({
          kind: 'triage-rule',
          skill,
          reason,
          outcome: 'skipped',
          detail: s.skipped,
        });
        return;
      }
      candidates.push(s.candidate);
      proposals.push({
        kind: 'triage-rule',
        skill: s.candidate.skill,
        reason,
        outcome: s.candidate.status === 'proposed' ? 'proposed' : 'rejected',
        candidateId: s.candidate.id,
        ...(s.candidate.draftVersion !== undefined
          ? { draftVersion: s.candidate.draftVersion }
          : {}),
        ...(s.candidate.rejection ? { detail: s.candidate.rejection } : {}),
      });
    });
    return candidates;
  }

  private async draft(
    base: Pick<ReflectionProposal, 'kind' | 'skill' | 'reason'>,
    write: () => Promise<{ version: number }>,
  ): Promise<ReflectionProposal> {
    try {
      const version = await write();
      return { ...base, outcome: 'drafted', draftVersion: version.version };
    } catch (error) {
      const detail = (error as Error).message;
      this.options.logger.warn(
        `Reflection could not draft skill "${base.skill}": ${detail}`,
      );
      return { ...base, outcome: 'skipped', detail };
    }
  }

  /** The active SKILL.md texts of skills the runs used that can change here (not from Git). */
  private async skillDocuments(names: string[]) {
    const documents: Array<{ name: string; document: string }> = [];
    for (const name of [...new Set(names)]) {
      if (documents.length >= DOCUMENTS_SHOWN) break;
      try {
        const details = await this.options.skills.getSkill(name);
        if (
          details.skill.status === 'active' &&
          details.skill.source !== 'directory'
        )
          documents.push({ name, document: details.document });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return documents;
  }

  private async exists(name: string): Promise<boolean> {
    try {
      await this.options.skills.getSkill(name);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

/** A new skill as SKILL.md: the model's name, description and body, tagged as reflected. */
function skillDocument(proposal: ReflectionAnswer['skills'][number]): string {
  const frontMatter = stringify({
    name: proposal.name,
    description: proposal.description,
    metadata: { hermes: { tags: ['learned', 'reflection'] } },
  });
  const body = proposal.body.startsWith('#')
    ? proposal.body
    : `# ${proposal.name}\n\n${proposal.body}`;
  return `---\n${frontMatter}---\n\n${body}\n`;
}

function describe(proposals: ReflectionProposal[]): string {
  if (proposals.length === 0) return 'nothing proposed';
  const count = (outcome: ReflectionProposal['outcome']) =>
    proposals.filter(p => p.outcome === outcome).length;
  return `${count('drafted')} skill drafts, ${count(
    'proposed',
  )} triage rules proposed, ${count(
    'rejected',
  )} rejected by the evaluation gate, ${count('skipped')} skipped`;
}
