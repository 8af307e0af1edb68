import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  CandidateEvidence,
  CandidateStatus,
  LearningCandidate,
  TriageRuleInput,
} from '@hermes-backstage/plugin-hermes-common';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { CandidateRow } from './tables';

const TABLE = 'hermes_learning_candidates';

export interface NewCandidate {
  id: string;
  skill: string;
  rule: TriageRuleInput;
  source: LearningCandidate['source'];
  status: 'proposed' | 'rejected';
  rejection?: string;
  evidence: CandidateEvidence;
  createdAt: Date;
}

/** A decision on a proposed candidate, by a person (or by the skills library's own review). */
export interface CandidateDecision {
  status: 'approved' | 'rejected';
  /** Absent when nobody decided (the draft was deleted). */
  by?: string;
  at: Date;
  rejection?: string;
}

/** The candidates table. A rule is stored once: its hash is unique. */
export interface CandidateStore {
  /** Stores a candidate; false, storing nothing, when the same rule is stored already. */
  insert(candidate: NewCandidate): Promise<boolean>;
  /** Those of `hashes` that are stored already. */
  knownHashes(hashes: string[]): Promise<Set<string>>;
  get(id: string): Promise<LearningCandidate | undefined>;
  /** Newest first. */
  list(options?: { status?: CandidateStatus }): Promise<LearningCandidate[]>;
  setDraftVersion(id: string, version: number): Promise<void>;
  /**
   * Decides a candidate that is still `proposed`; false when it no longer is (someone else
   * decided first), and then nothing is written.
   */
  decide(id: string, decision: CandidateDecision): Promise<boolean>;
  /** Removes a candidate whose draft could not be queued, so that a later run tries again. */
  delete(id: string): Promise<void>;
}

/**
 * Identity of a rule: what it matches and how it classifies, as canonical JSON (keys sorted,
 * lists of values sorted, since their order does not change what a rule matches). Reason and
 * recommendation are left out: induction words them with counts that change from run to run.
 */
export function ruleHash(rule: TriageRuleInput): string {
  return createHash('sha256')
    .update(canonicalJson({ match: rule.match, classify: rule.classify }))
    .digest('hex');
}

// Not localeCompare: the hash must not depend on the server's locale data.
function byCodePoint(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(canonicalJson);
    if (value.every(v => v === null || typeof v !== 'object'))
      items.sort(byCodePoint);
    return `[${items.join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => byCodePoint(a, b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// Keeps `where in` lists under every database's limit on bound parameters.
const CHUNK = 500;

export class KnexCandidateStore implements CandidateStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexCandidateStore> {
    return new KnexCandidateStore(await connect(options.database));
  }

  async insert(candidate: NewCandidate): Promise<boolean> {
    // On conflict do nothing: of two runs proposing the same rule at once, one stores it.
    const inserted = await this.db<CandidateRow>(TABLE)
      .insert({
        id: candidate.id,
        skill: candidate.skill,
        rule: JSON.stringify(candidate.rule),
        source: candidate.source,
        status: candidate.status,
        rejection: candidate.rejection ?? null,
        evidence: JSON.stringify(candidate.evidence),
        draft_version: null,
        rule_hash: ruleHash(candidate.rule),
        created_at: candidate.createdAt,
        decided_by: null,
        decided_at: null,
      })
      .onConflict('rule_hash')
      .ignore()
      .returning('id');
    return inserted.length > 0;
  }

  async knownHashes(hashes: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const rows = await this.db<CandidateRow>(TABLE)
        .whereIn('rule_hash', hashes.slice(i, i + CHUNK))
        .select('rule_hash');
      for (const row of rows) known.add(row.rule_hash);
    }
    return known;
  }

  async get(id: string): Promise<LearningCandidate | undefined> {
    const row = await this.db<CandidateRow>(TABLE).where({ id }).first();
    return row && toCandidate(row);
  }

  async list(
    options: { status?: CandidateStatus } = {},
  ): Promise<LearningCandidate[]> {
    const query = this.db<CandidateRow>(TABLE)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc');
    if (options.status) query.where({ status: options.status });
    return (await query).map(toCandidate);
  }

  async setDraftVersion(id: string, version: number): Promise<void> {
    await this.db<CandidateRow>(TABLE)
      .where({ id })
      .update({ draft_version: version });
  }

  async decide(id: string, decision: CandidateDecision): Promise<boolean> {
    const updated = await this.db<CandidateRow>(TABLE)
      .where({ id, status: 'proposed' })
      .update({
        status: decision.status,
        decided_by: decision.by ?? null,
        decided_at: decision.at,
        ...(decision.rejection !== undefined
          ? { rejection: decision.rejection }
          : {}),
      });
    return updated > 0;
  }

  async delete(id: string): Promise<void> {
    await this.db<CandidateRow>(TABLE).where({ id }).delete();
  }
}

function toCandidate(row: CandidateRow): LearningCandidate {
  return {
    id: row.id,
    skill: row.skill,
    rule: JSON.parse(row.rule),
    source: row.source,
    status: row.status,
    ...(row.rejection !== null ? { rejection: row.rejection } : {}),
    evidence: JSON.parse(row.evidence),
    ...(row.draft_version !== null
      ? { draftVersion: Number(row.draft_version) }
      : {}),
    createdAt: toIso(row.created_at),
    ...(row.decided_by !== null ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at !== null ? { decidedAt: toIso(row.decided_at) } : {}),
  };
}
