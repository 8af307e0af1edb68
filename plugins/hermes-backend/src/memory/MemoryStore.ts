import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { searchTerms } from '../database/searchTerms';
import { HitRow } from './tables';

/** Something worth recalling later: a session, an audit, a finding, a resolution, a task. */
export interface MemoryDocument {
  /** What it is: `session`, `audit`, `finding`, `resolution`, `task`, ... */
  kind: string;
  /** Its id in its own capability; remembering the same kind and id again replaces it. */
  sourceId: string;
  /** Set for private items (a user's session): only that user finds it. */
  ownerRef?: string;
  /** The catalog entity it is about; then only users who may read the entity find it. */
  entityRef?: string;
  title: string;
  body: string;
  /** Portal path that opens the item, e.g. `/hermes?session=<id>`. */
  link: string;
  createdAt?: Date;
}

/** A search result: the passage that matched, with matches wrapped in `**`. */
export interface MemoryHit {
  kind: string;
  sourceId: string;
  title: string;
  snippet: string;
  link: string;
  entityRef?: string;
  updatedAt: string;
  /** Relevance, higher is better; comparable only within one result list. */
  score: number;
}

export interface MemorySearchOptions {
  /**
   * The searching user: private documents of other users are never returned. Without one,
   * only shared documents are (a capability's own background work).
   */
  userRef?: string;
  kinds?: string[];
  /** Only documents about this entity. */
  entityRef?: string;
  /** At most this many hits (default 10, at most 200). */
  limit?: number;
}

/** Episodic memory: remembered documents, searched with the database's full-text engine. */
export interface MemoryStore {
  /** Stores documents (in one transaction), each replacing the one with its kind and source id. */
  remember(...docs: MemoryDocument[]): Promise<void>;
  forget(kind: string, sourceId: string): Promise<void>;
  /** Most relevant first; a query without searchable words finds nothing. */
  search(query: string, options: MemorySearchOptions): Promise<MemoryHit[]>;
}

const toHit = (row: HitRow): MemoryHit => ({
  kind: row.kind,
  sourceId: row.source_id,
  title: row.title,
  snippet: row.snippet ?? '',
  link: row.link,
  ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
  updatedAt: toIso(row.updated_at),
  score: Number(row.score),
});

/**
 * How many of the newest matching documents each search ranks, for the query's words taken
 * together (all of them) and apart (any of them). Ranking every match of a common word in a
 * large memory is what makes full-text search slow; the newest matches, and every document
 * with all the words, are the ones worth recalling.
 */
const CANDIDATES = 2000;

export class KnexMemoryStore implements MemoryStore {
  private readonly sqlite: boolean;

  private constructor(private readonly db: Knex) {
    this.sqlite = String(db.client.config.client).includes('sqlite');
  }

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexMemoryStore> {
    return new KnexMemoryStore(await connect(options.database));
  }

  async remember(...docs: MemoryDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.db.transaction(async tx => {
      for (const doc of docs) {
        const key = { kind: doc.kind, source_id: doc.sourceId };
        // Deleted and inserted rather than updated, so that the id, which orders documents
        // from the newest for search, moves to the front.
        const old = await tx('hermes_memory_documents')
          .where(key)
          .first('created_at');
        await tx('hermes_memory_documents').where(key).delete();
        const now = new Date();
        const values = {
          owner_ref: doc.ownerRef ?? null,
          entity_ref: doc.entityRef ?? null,
          title: doc.title,
          body: doc.body,
          link: doc.link,
          updated_at: now,
        };
        await tx('hermes_memory_documents')
          .insert({
            ...key,
            ...values,
            created_at: doc.createdAt ?? old?.created_at ?? now,
          })
          // Another replica remembering the same item at the same time.
          .onConflict(['kind', 'source_id'])
          .merge(Object.keys(values));
      }
    });
  }

  async forget(kind: string, sourceId: string): Promise<void> {
    await this.db('hermes_memory_documents')
      .where({ kind, source_id: sourceId })
      .delete();
  }

  async search(
    query: string,
    options: MemorySearchOptions,
  ): Promise<MemoryHit[]> {
    const terms = searchTerms(query, 12);
    if (terms.length === 0 || options.kinds?.length === 0) return [];
    const bindings: Record<string, Knex.Value> = {
      limit: Math.min(Math.max(options.limit ?? 10, 1), 200),
    };
    const filters = ['d.owner_ref IS NULL'];
    if (options.userRef) {
      bindings.userRef = options.userRef;
      filters[0] = '(d.owner_ref IS NULL OR d.owner_ref = :userRef)';
    }
    if (options.kinds) {
      options.kinds.forEach((kind, i) => (bindings[`kind${i}`] = kind));
      filters.push(
        `d.kind IN (${options.kinds.map((_, i) => `:kind${i}`).join(', ')})`,
      );
    }
    if (options.entityRef) {
      bindings.entityRef = options.entityRef;
      filters.push('d.entity_ref = :entityRef');
    }
    const where = filters.join(' AND ');
    const matches = terms.length > 1 ? ['any', 'all'] : ['any'];

    if (this.sqlite) {
      // Terms are letters and digits only; quoted, none is read as an FTS5 operator.
      const quoted = terms.map(t => `"${t}"`);
      bindings.any = quoted.join(' OR ');
      bindings.all = quoted.join(' AND ');
      const candidates = matches.map(
        match => `SELECT * FROM (
          SELECT d.id, bm25(hermes_memory_fts, 2.0, 1.0) AS rank
          FROM hermes_memory_fts JOIN hermes_memory_documents d ON d.id = hermes_memory_fts.rowid
          WHERE hermes_memory_fts MATCH :${match} AND ${where}
          ORDER BY hermes_memory_fts.rowid DESC LIMIT ${CANDIDATES})`,
      );
      // Snippets only for the top rows, each found again through the full-text index.
      const rows: HitRow[] = await this.db.raw(
        `SELECT d.kind, d.source_id, d.title, d.link, d.entity_ref, d.updated_at,
           -top.rank AS score, snippet(hermes_memory_fts, -1, '**', '**', '…', 24) AS snippet
         FROM (
           SELECT id, min(rank) AS rank FROM (${candidates.join(' UNION ALL ')})
           GROUP BY id ORDER BY rank, id DESC LIMIT :limit
         ) top
         CROSS JOIN hermes_memory_fts ON hermes_memory_fts.rowid = top.id
         CROSS JOIN hermes_memory_documents d ON d.id = top.id
         WHERE hermes_memory_fts MATCH :any
         ORDER BY top.rank, top.id DESC`,
        bindings,
      );
      return rows.map(toHit);
    }

    // Letters and digits joined by `|` or `&` are a valid tsquery, whatever the words are.
    bindings.any = terms.join(' | ');
    bindings.all = terms.join(' & ');
    const candidates = matches.map(
      match => `(SELECT d.id FROM hermes_memory_documents d
        WHERE d.search @@ to_tsquery('english', :${match}) AND ${where}
        ORDER BY d.id DESC LIMIT ${CANDIDATES})`,
    );
    const { rows }: { rows: HitRow[] } = await this.db.raw(
      `SELECT d.kind, d.source_id, d.title, d.link, d.entity_ref, d.updated_at, top.rank AS score,
         ts_headline('english', d.body, to_tsquery('english', :any),
           'StartSel=**, StopSel=**, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
       FROM (
         SELECT d.id, ts_rank_cd(d.search, to_tsquery('english', :any), 1) AS rank
         FROM (${candidates.join(' UNION ')}) c
         JOIN hermes_memory_documents d ON d.id = c.id
         ORDER BY rank DESC, d.id DESC LIMIT :limit
       ) top
       JOIN hermes_memory_documents d ON d.id = top.id
       ORDER BY top.rank DESC, top.id DESC`,
      bindings,
    );
    return rows.map(toHit);
  }
}
