import type { SkillSearchHit } from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { searchTerms } from '../database/searchTerms';
import { SkillApplicability } from './content';
import { SkillRow } from './tables';

/** What the skill index weighs besides text relevance. */
export interface SkillIndexFields {
  name: string;
  tags: string[];
  appliesTo?: SkillApplicability;
}

/**
 * Full-text search over active skills with the database's own engine (SQLite FTS5,
 * PostgreSQL tsvector), and the fields the skill index is chosen by.
 */
export interface SkillSearchStore {
  /** Active skills matching any word of `query`, most relevant first. */
  search(query: string, limit: number): Promise<SkillSearchHit[]>;
  /** Relevance of active skills to any word of `text` (higher is better), best first. */
  rank(
    text: string,
    limit: number,
  ): Promise<Array<{ name: string; score: number }>>;
  /** Tags and applicability of every active skill. */
  listIndexFields(): Promise<SkillIndexFields[]>;
  getDescriptions(names: string[]): Promise<Map<string, string>>;
}

// Words beyond these add little to finding a skill and make the query slower.
const MAX_TERMS = 32;

// Weights of the FTS5 columns (name, description, tags, body): name and tags above the
// description, the body least, like the setweight classes of the PostgreSQL column.
const BM25 = 'bm25(hermes_skills_fts, 8.0, 4.0, 6.0, 1.0)';

type RankRow = { name: string; score: number | string };
type SearchRow = RankRow &
  Pick<SkillRow, 'description' | 'tags'> & { snippet: string };

/** Made by `KnexSkillStore.create`, which brings the schema up to date first. */
export class KnexSkillSearchStore implements SkillSearchStore {
  private readonly postgres: boolean;

  constructor(private readonly db: Knex) {
    this.postgres = String(db.client.config.client) === 'pg';
  }

  async search(query: string, limit: number): Promise<SkillSearchHit[]> {
    const match = this.match(query);
    if (!match) return [];
    let rows: SearchRow[];
    if (this.postgres) {
      // Headlines are costly: make them for the page of results only.
      rows = (
        await this.db.raw(
          `SELECT name, description, tags, score,
             ts_headline('english', body, q,
               'MaxFragments=1, MinWords=8, MaxWords=24, StartSel=**, StopSel=**') AS snippet
           FROM (
             SELECT name, description, tags, body, q, ts_rank_cd(search, q) AS score
             FROM hermes_skills, to_tsquery('english', ?) q
             WHERE search @@ q AND status = 'active'
             ORDER BY score DESC, name LIMIT ?
           ) top ORDER BY score DESC, name`,
          [match, limit],
        )
      ).rows;
    } else {
      rows = await this.db.raw(
        `SELECT s.name, s.description, s.tags,
           snippet(hermes_skills_fts, 3, '**', '**', '…', 24) AS snippet,
           -${BM25} AS score
         FROM hermes_skills_fts JOIN hermes_skills s ON s.id = hermes_skills_fts.rowid
         WHERE hermes_skills_fts MATCH ? AND s.status = 'active'
         ORDER BY score DESC, s.name LIMIT ?`,
        [match, limit],
      );
    }
    return rows.map(row => ({
      name: row.name,
      description: row.description,
      tags: JSON.parse(row.tags),
      snippet: row.snippet,
    }));
  }

  async rank(
    text: string,
    limit: number,
  ): Promise<Array<{ name: string; score: number }>> {
    const match = this.match(text);
    if (!match) return [];
    const rows: RankRow[] = this.postgres
      ? (
          await this.db.raw(
            `SELECT name, ts_rank_cd(search, q) AS score
             FROM hermes_skills, to_tsquery('english', ?) q
             WHERE search @@ q AND status = 'active'
             ORDER BY score DESC, name LIMIT ?`,
            [match, limit],
          )
        ).rows
      : await this.db.raw(
          `SELECT s.name, -${BM25} AS score
           FROM hermes_skills_fts JOIN hermes_skills s ON s.id = hermes_skills_fts.rowid
           WHERE hermes_skills_fts MATCH ? AND s.status = 'active'
           ORDER BY score DESC, s.name LIMIT ?`,
          [match, limit],
        );
    return rows.map(row => ({ name: row.name, score: Number(row.score) }));
  }

  async listIndexFields(): Promise<SkillIndexFields[]> {
    const rows = await this.db<SkillRow>('hermes_skills')
      .where({ status: 'active' })
      .select('name', 'tags', 'applies_to');
    return rows.map(row => ({
      name: row.name,
      tags: JSON.parse(row.tags),
      appliesTo: row.applies_to ? JSON.parse(row.applies_to) : undefined,
    }));
  }

  async getDescriptions(names: string[]): Promise<Map<string, string>> {
    const rows = await this.db<SkillRow>('hermes_skills')
      .whereIn('name', names)
      .select('name', 'description');
    return new Map(rows.map(row => [row.name, row.description]));
  }

  /** The engine's query matching any word of the text; undefined when it has none. */
  private match(text: string): string | undefined {
    const terms = searchTerms(text, MAX_TERMS);
    if (terms.length === 0) return undefined;
    return this.postgres
      ? terms.join(' | ')
      : terms.map(t => `"${t}"`).join(' OR ');
  }
}
