import {
  BackstageCredentials,
  BackstageUserPrincipal,
  DatabaseService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  describeSecrets,
  hermesMemoryEntityUpdatePermission,
  hermesMemoryGlobalUpdatePermission,
} from '@hermes-backstage/plugin-hermes-common';
import {
  KnexMemoryStore,
  MemoryDocument,
  MemoryHit,
  MemoryStore,
} from './MemoryStore';
import {
  KnexNotesStore,
  MemoryNote,
  NoteScopeName,
  NotesStore,
} from './NotesStore';

export type { MemoryDocument, MemoryHit, MemoryNote };

export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** The entity refs among `refs` that the user may read in the catalog. */
export type CanReadEntities = (
  refs: string[],
  credentials: UserCredentials,
) => Promise<Set<string>>;

/** Catalog read permission, asked of the catalog with the user's own credentials. */
export function readableEntitiesFromCatalog(
  catalog: CatalogService,
): CanReadEntities {
  return async (refs, credentials) => {
    if (refs.length === 0) return new Set();
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(refs.filter((_, i) => items[i]));
  };
}

/** Whose notes: the caller's own, an entity's, or everyone's. */
export type NoteScope =
  | { scope: 'user' }
  | { scope: 'entity'; ref: string }
  | { scope: 'global' };

/** The notes of a scope and how much of the scope's size bound they use. */
export interface NotesView {
  notes: MemoryNote[];
  usedChars: number;
  maxChars: number;
}

/**
 * Episodic memory and curated notes, with the caller's visibility applied: private
 * documents only for their owner, entity documents and notes only for users who may read
 * the entity. The shared notes enter every user's prompt: anyone reads them, and writing
 * them takes `hermes.memory.global.update`.
 */
export interface MemoryService {
  /** Indexes items for search, each replacing what was remembered for its kind and id. */
  remember(...docs: MemoryDocument[]): Promise<void>;
  forget(kind: string, sourceId: string): Promise<void>;
  search(
    query: string,
    options: {
      credentials: UserCredentials;
      entityRef?: string;
      kinds?: string[];
      limit?: number;
    },
  ): Promise<MemoryHit[]>;
  /**
   * Shared documents of the given kinds, most relevant first, for a capability's own
   * background work (an audit reading past drift). A user's private documents never match.
   */
  recall(
    query: string,
    options: { kinds: string[]; limit?: number },
  ): Promise<MemoryHit[]>;
  listNotes(scope: NoteScope, credentials: UserCredentials): Promise<NotesView>;
  addNote(
    scope: NoteScope,
    text: string,
    credentials: UserCredentials,
  ): Promise<NotesView>;
  /** Replaces the one note that contains `oldText`. */
  replaceNote(
    scope: NoteScope,
    oldText: string,
    newText: string,
    credentials: UserCredentials,
  ): Promise<NotesView>;
  /** Removes the one note that contains `oldText`. */
  removeNote(
    scope: NoteScope,
    oldText: string,
    credentials: UserCredentials,
  ): Promise<NotesView>;
  /**
   * The user's, the entity's and the shared notes as one Markdown block with headings, read
   * once when a session starts; '' when there are none. The caller has already checked that
   * the user may read the entity (the agent reads it with the user's credentials).
   */
  notesSnapshot(options: {
    userRef: string;
    entityRef?: string;
  }): Promise<string>;
}

/** Entity refs are case-insensitive in Backstage; memory stores them in one spelling. */
function normalizeEntityRef(ref: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
}

const quote = (text: string) =>
  JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);

export class DefaultMemoryService implements MemoryService {
  private readonly maxNoteChars: number;

  constructor(
    private readonly options: {
      store: MemoryStore;
      notes: NotesStore;
      canReadEntities: CanReadEntities;
      /** Asked whether a user may write the shared notes. */
      permissions: PermissionsService;
      /** Size bound of each scope's notes, in characters (default 2200). */
      maxNoteChars?: number;
      /**
       * Kinds of document that, when about no entity and nobody in particular, only holders
       * of a permission may find (a capability's own rule, e.g. drift that maps to no entity).
       */
      restrictedKinds?: Record<string, BasicPermission>;
    },
  ) {
    this.maxNoteChars = options.maxNoteChars ?? 2200;
  }

  static async create(options: {
    config: Config;
    database: DatabaseService;
    catalog: CatalogService;
    permissions: PermissionsService;
    restrictedKinds?: Record<string, BasicPermission>;
  }): Promise<DefaultMemoryService> {
    return new DefaultMemoryService({
      restrictedKinds: options.restrictedKinds,
      store: await KnexMemoryStore.create(options),
      notes: await KnexNotesStore.create(options),
      canReadEntities: readableEntitiesFromCatalog(options.catalog),
      permissions: options.permissions,
      maxNoteChars: options.config.getOptionalNumber(
        'hermes.memory.maxNoteChars',
      ),
    });
  }

  remember(...docs: MemoryDocument[]) {
    return this.options.store.remember(
      ...docs.map(doc =>
        doc.entityRef
          ? { ...doc, entityRef: normalizeEntityRef(doc.entityRef) }
          : doc,
      ),
    );
  }

  forget(kind: string, sourceId: string) {
    return this.options.store.forget(kind, sourceId);
  }

  async search(
    query: string,
    options: {
      credentials: UserCredentials;
      entityRef?: string;
      kinds?: string[];
      limit?: number;
    },
  ): Promise<MemoryHit[]> {
    const limit = Math.min(Math.max(options.limit ?? 10, 1), 50);
    const entityRef =
      options.entityRef && normalizeEntityRef(options.entityRef);
    // Some hits may be about entities the user may not read: ask for more than the limit,
    // and for more again while too few are left and the store had more.
    for (let fetch = limit * 3; ; fetch = Math.min(fetch * 4, 200)) {
      const hits = await this.options.store.search(query, {
        userRef: options.credentials.principal.userEntityRef,
        kinds: options.kinds,
        entityRef,
        limit: fetch,
      });
      const refs = [
        ...new Set(hits.flatMap(h => (h.entityRef ? [h.entityRef] : []))),
      ];
      const readable = await this.options.canReadEntities(
        refs,
        options.credentials,
      );
      const allowedKinds = await this.allowedRestrictedKinds(
        hits,
        options.credentials,
      );
      const visible = hits.filter(h =>
        h.entityRef
          ? readable.has(h.entityRef)
          : !this.options.restrictedKinds?.[h.kind] || allowedKinds.has(h.kind),
      );
      if (visible.length >= limit || hits.length < fetch || fetch >= 200)
        return visible.slice(0, limit);
    }
  }

  async recall(
    query: string,
    options: { kinds: string[]; limit?: number },
  ): Promise<MemoryHit[]> {
    return this.options.store.search(query, {
      kinds: options.kinds,
      limit: Math.min(Math.max(options.limit ?? 10, 1), 50),
    });
  }

  /** The restricted kinds among `hits` that the user holds the permission for. */
  private async allowedRestrictedKinds(
    hits: MemoryHit[],
    credentials: UserCredentials,
  ): Promise<Set<string>> {
    const restricted = this.options.restrictedKinds ?? {};
    const kinds = [
      ...new Set(hits.filter(h => !h.entityRef).map(h => h.kind)),
    ].filter(kind => restricted[kind]);
    if (kinds.length === 0) return new Set();
    const decisions = await this.options.permissions.authorize(
      kinds.map(kind => ({ permission: restricted[kind] })),
      { credentials },
    );
    return new Set(
      kinds.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  /**
   * Where a scope's notes are kept, after checking that the caller may read them, or (with
   * `write`) change them.
   */
  private async resolve(
    scope: NoteScope,
    credentials: UserCredentials,
    access: 'read' | 'write' = 'read',
  ) {
    if (scope.scope === 'user') {
      return {
        scope: 'user' as const,
        ref: credentials.principal.userEntityRef,
        label: 'your notes',
      };
    }
    if (scope.scope === 'global') {
      if (access === 'write') await this.authorizeGlobalWrite(credentials);
      return { scope: 'global' as const, ref: '', label: 'the shared notes' };
    }
    const ref = normalizeEntityRef(scope.ref);
    const readable = await this.options.canReadEntities([ref], credentials);
    if (!readable.has(ref)) {
      throw new NotFoundError(`No entity ${scope.ref}, or you may not read it`);
    }
    if (access === 'write') await this.authorizeEntityWrite(ref, credentials);
    return {
      scope: 'entity' as const,
      ref,
      label: `the notes about ${ref}`,
    };
  }

  // Entity notes reach everyone's prompts about the entity: reading it is not enough.
  private async authorizeEntityWrite(
    ref: string,
    credentials: UserCredentials,
  ) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: hermesMemoryEntityUpdatePermission, resourceRef: ref }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `Writing the notes about ${ref} needs the ${hermesMemoryEntityUpdatePermission.name} permission on it`,
      );
  }

  private async authorizeGlobalWrite(credentials: UserCredentials) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: hermesMemoryGlobalUpdatePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `Writing the shared notes needs the ${hermesMemoryGlobalUpdatePermission.name} permission`,
      );
  }

  private view(notes: MemoryNote[]): NotesView {
    return {
      notes,
      usedChars: notes.reduce((sum, n) => sum + n.text.length, 0),
      maxChars: this.maxNoteChars,
    };
  }

  /** Refuses empty text, credentials, and text that would overflow the scope's bound. */
  private checkText(
    text: string,
    label: string,
    view: NotesView,
    replaced = 0,
  ) {
    if (!text.trim()) throw new InputError('text: a note cannot be empty');
    const secrets = describeSecrets(text, 'the note');
    if (secrets) throw new InputError(secrets);
    const after = view.usedChars - replaced + text.length;
    if (after > view.maxChars) {
      throw new InputError(
        `No room in ${label}: they use ${view.usedChars} of ${view.maxChars} characters and ` +
          `this would make ${after}. Replace or remove notes first.`,
      );
    }
  }

  /** The note `oldText` points at: it must be in exactly one note (copies count as one). */
  private pick(notes: MemoryNote[], oldText: string, label: string) {
    if (!oldText) throw new InputError('oldText: quote part of the note');
    const matches = notes.filter(n => n.text.includes(oldText));
    const distinct = new Set(matches.map(n => n.text));
    if (distinct.size === 0) {
      throw new InputError(`No note in ${label} contains ${quote(oldText)}`);
    }
    if (distinct.size > 1) {
      throw new InputError(
        `${quote(oldText)} is in ${distinct.size} notes in ${label}; ` +
          'quote more of the note you mean so that only one matches',
      );
    }
    return matches[0];
  }

  async listNotes(scope: NoteScope, credentials: UserCredentials) {
    const where = await this.resolve(scope, credentials);
    return this.view(
      await this.options.notes.listNotes(where.scope, where.ref),
    );
  }

  async addNote(scope: NoteScope, text: string, credentials: UserCredentials) {
    const { notes } = this.options;
    const where = await this.resolve(scope, credentials, 'write');
    const view = this.view(await notes.listNotes(where.scope, where.ref));
    // A copy of a note would only spend the bound twice.
    if (view.notes.some(n => n.text === text)) return view;
    this.checkText(text, where.label, view);
    await notes.addNote(where.scope, where.ref, {
      text,
      updatedBy: credentials.principal.userEntityRef,
    });
    return this.view(await notes.listNotes(where.scope, where.ref));
  }

  async replaceNote(
    scope: NoteScope,
    oldText: string,
    newText: string,
    credentials: UserCredentials,
  ) {
    const { notes } = this.options;
    const where = await this.resolve(scope, credentials, 'write');
    const view = this.view(await notes.listNotes(where.scope, where.ref));
    const note = this.pick(view.notes, oldText, where.label);
    this.checkText(newText, where.label, view, note.text.length);
    await notes.replaceNote(note.id, {
      text: newText,
      updatedBy: credentials.principal.userEntityRef,
    });
    return this.view(await notes.listNotes(where.scope, where.ref));
  }

  async removeNote(
    scope: NoteScope,
    oldText: string,
    credentials: UserCredentials,
  ) {
    const { notes } = this.options;
    const where = await this.resolve(scope, credentials, 'write');
    const note = this.pick(
      await notes.listNotes(where.scope, where.ref),
      oldText,
      where.label,
    );
    await notes.removeNote(note.id);
    return this.view(await notes.listNotes(where.scope, where.ref));
  }

  async notesSnapshot(options: {
    userRef: string;
    entityRef?: string;
  }): Promise<string> {
    const entityRef =
      options.entityRef && normalizeEntityRef(options.entityRef);
    const sections: Array<
      [heading: string, scope: NoteScopeName, ref: string]
    > = [['Your notes', 'user', options.userRef]];
    if (entityRef)
      sections.push([`Notes about ${entityRef}`, 'entity', entityRef]);
    sections.push(['Shared notes', 'global', '']);
    const blocks: string[] = [];
    for (const [heading, scope, ref] of sections) {
      const notes = await this.options.notes.listNotes(scope, ref);
      if (notes.length === 0) continue;
      const items = notes.map(n => `- ${n.text.trim().replace(/\n/g, '\n  ')}`);
      blocks.push(`## ${heading}\n${items.join('\n')}`);
    }
    return blocks.join('\n\n');
  }
}
