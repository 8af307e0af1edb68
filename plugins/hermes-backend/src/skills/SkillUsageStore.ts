import type {
  SkillOutcome,
  SkillUsageSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { SkillUsageRow } from './tables';

/** Which agent runs loaded a skill and how they ended; kept when the skill is deleted. */
export interface SkillUsageStore {
  /** Counts a skill once per agent run, however often the run opens it. */
  recordUsage(name: string, version: number, traceId?: string): Promise<void>;
  recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void>;
  usage(name: string): Promise<SkillUsageSummary>;
  /** The usage of each of `names`, one query per 500 (a skill never loaded counts zero). */
  usageOf(names: string[]): Promise<Map<string, SkillUsageSummary>>;
}

const NEVER_LOADED: SkillUsageSummary = {
  loaded: 0,
  successes: 0,
  failures: 0,
};

type SummaryRow = {
  name: string;
  loaded: number | string;
  successes: number | string | null;
  failures: number | string | null;
  last_used_at: SkillUsageRow['loaded_at'] | null;
};

/** Made by `KnexSkillStore.create`, which brings the schema up to date first. */
export class KnexSkillUsageStore implements SkillUsageStore {
  constructor(private readonly db: Knex) {}

  async recordUsage(
    name: string,
    version: number,
    traceId?: string,
  ): Promise<void> {
    if (traceId) {
      const seen = await this.db<SkillUsageRow>('hermes_skill_usage')
        .where({ name, trace_id: traceId })
        .first('id');
      if (seen) return;
    }
    await this.db<SkillUsageRow>('hermes_skill_usage').insert({
      name,
      version,
      trace_id: traceId ?? null,
      loaded_at: new Date(),
    });
  }

  async recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void> {
    await this.db<SkillUsageRow>('hermes_skill_usage')
      .where({ trace_id: traceId })
      .update({ outcome });
  }

  async usage(name: string): Promise<SkillUsageSummary> {
    return (await this.usageOf([name])).get(name)!;
  }

  async usageOf(names: string[]): Promise<Map<string, SkillUsageSummary>> {
    const usage = new Map(names.map(name => [name, NEVER_LOADED]));
    // Chunked, so a long list stays under the databases' limits on bound parameters.
    for (let i = 0; i < names.length; i += 500) {
      const rows: SummaryRow[] = await this.db('hermes_skill_usage')
        .whereIn('name', names.slice(i, i + 500))
        .groupBy('name')
        .select(
          'name',
          this.db.raw('count(*) AS loaded'),
          this.db.raw(
            `sum(CASE WHEN outcome = 'success' THEN 1 ELSE 0 END) AS successes`,
          ),
          this.db.raw(
            `sum(CASE WHEN outcome = 'failure' THEN 1 ELSE 0 END) AS failures`,
          ),
          this.db.raw('max(loaded_at) AS last_used_at'),
        );
      for (const row of rows) {
        usage.set(row.name, {
          loaded: Number(row.loaded),
          successes: Number(row.successes ?? 0),
          failures: Number(row.failures ?? 0),
          lastUsedAt: toIso(row.last_used_at),
        });
      }
    }
    return usage;
  }
}
