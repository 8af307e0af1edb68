import { CandidateStatus } from '@hermes-backstage/plugin-hermes-common';
import { DbTime } from '../database/dates';

// Rows as the database returns them (migrations/20261130000008_learning.js).

/** hermes_learning_candidates */
export type CandidateRow = {
  id: string;
  skill: string;
  /** JSON: the TriageRuleInput. */
  rule: string;
  source: 'induction' | 'reflection';
  status: CandidateStatus;
  rejection: string | null;
  /** JSON: the CandidateEvidence. */
  evidence: string;
  draft_version: number | null;
  rule_hash: string;
  created_at: DbTime;
  decided_by: string | null;
  decided_at: DbTime | null;
};
