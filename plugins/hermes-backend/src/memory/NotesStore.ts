import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { NoteRow } from './tables';

/** Whose notes: one user's, one entity's, or everyone's. */
export type NoteScopeName = 'user' | 'entity' | 'global';

export interface MemoryNote {
  id: string;
  text: string;
  /** The user who last wrote it. */
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Curated notes of a scope. `scopeRef` is the user ref, the entity ref, or '' for global
 * notes; the service checks who may read and write them.
 */
export interface NotesStore {
  /** Oldest first. */
  listNotes(scope: NoteScopeName, scopeRef: string): Promise<MemoryNote[]>;
  addNote(
    scope: NoteScopeName,
    scopeRef: string,
    note: { text: string; updatedBy: string },
  ): Promise<void>;
  replaceNote(
    id: string,
    note: { text: string; updatedBy: string },
  ): Promise<void>;
  removeNote(id: string): Promise<void>;
}

export class KnexNotesStore implements NotesStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexNotesStore> {
    return new KnexNotesStore(await connect(options.database));
  }

  async listNotes(scope: NoteScopeName, scopeRef: string) {
    const rows: NoteRow[] = await this.db('hermes_memory_notes')
      .where({ scope, scope_ref: scopeRef })
      .orderBy('id');
    return rows.map(row => ({
      id: String(row.id),
      text: row.text,
      updatedBy: row.updated_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }));
  }

  async addNote(
    scope: NoteScopeName,
    scopeRef: string,
    note: { text: string; updatedBy: string },
  ) {
    const now = new Date();
    await this.db('hermes_memory_notes').insert({
      scope,
      scope_ref: scopeRef,
      text: note.text,
      updated_by: note.updatedBy,
      created_at: now,
      updated_at: now,
    });
  }

  async replaceNote(id: string, note: { text: string; updatedBy: string }) {
    await this.db('hermes_memory_notes')
      .where({ id: Number(id) })
      .update({
        text: note.text,
        updated_by: note.updatedBy,
        updated_at: new Date(),
      });
  }

  async removeNote(id: string) {
    await this.db('hermes_memory_notes')
      .where({ id: Number(id) })
      .delete();
  }
}
