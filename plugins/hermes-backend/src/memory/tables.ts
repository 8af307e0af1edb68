import { DbTime } from '../database/dates';

// Rows of the memory tables as the database returns them (migrations/20261130000001_memory.js).

/** A search hit: a hermes_memory_documents row with its rank and snippet. */
export type HitRow = {
  kind: string;
  source_id: string;
  title: string;
  snippet: string | null;
  link: string;
  entity_ref: string | null;
  updated_at: DbTime;
  score: number | string;
};

/** hermes_memory_notes */
export type NoteRow = {
  id: number | string;
  scope: string;
  scope_ref: string;
  text: string;
  updated_by: string;
  created_at: DbTime;
  updated_at: DbTime;
};
