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

/** hermes_learning_reflections (migrations/20261130000009_reflection.js) */
export type ReflectionRow = {
  id: string;
  sequence: number;
  trigger: 'scheduled' | 'on-demand';
  status: 'running' | 'completed' | 'failed';
  started_at: DbTime;
  finished_at: DbTime | null;
  since: DbTime | null;
  tasks_counted: number | null;
  traces_read: number;
  findings_read: number;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  /** JSON: ReflectionProposal[] */
  proposals: string;
  /** JSON: string[] */
  warnings: string;
  error: string | null;
};
