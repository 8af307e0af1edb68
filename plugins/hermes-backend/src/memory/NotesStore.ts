import { Knex } from 'knex';

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

type NoteRow = {
  id: number | string;
  text: string;
  updated_by: string;
  created_at: string | number | Date;
  updated_at: string | number | Date;
};

export class KnexNotesStore implements NotesStore {
  constructor(private readonly db: Knex) {}

  async listNotes(scope: NoteScopeName, scopeRef: string) {
    const rows: NoteRow[] = await this.db('hermes_memory_notes')
      .where({ scope, scope_ref: scopeRef })
      .orderBy('id');
    return rows.map(row => ({
      id: String(row.id),
      text: row.text,
      updatedBy: row.updated_by,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
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
