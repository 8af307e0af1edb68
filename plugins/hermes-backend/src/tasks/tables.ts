import { DbTime } from '../database/dates';

// Rows of the tasks' tables as the database returns them (migrations/20261130000005_tasks.js).

/** hermes_tasks; `deliver` and `scope` are JSON. */
export type TaskRow = {
  id: string;
  name: string;
  owner: string;
  source: string;
  kind: string;
  prompt: string | null;
  audit: string | null;
  entity_ref: string | null;
  model: string | null;
  schedule_text: string;
  schedule_cron: string;
  timezone: string;
  deliver: string;
  enabled: boolean | number;
  missed_runs: string;
  next_run_at: DbTime | null;
  scope: string;
  created_at: DbTime;
  updated_at: DbTime;
};

/** hermes_task_runs; `report` is a TaskReport as JSON. */
export type TaskRunRow = {
  id: string;
  task_id: string;
  trigger: string;
  status: string;
  reason: string | null;
  due_at: DbTime | null;
  queued_at: DbTime;
  started_at: DbTime | null;
  finished_at: DbTime | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  report: string | null;
  audit_id: string | null;
  session_id: string | null;
};
