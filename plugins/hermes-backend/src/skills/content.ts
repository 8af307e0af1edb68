import { InputError } from '@backstage/errors';
import {
  describeSecrets,
  parseSkillDocument,
  readHermesMetadata,
  SkillDocument,
  SkillParseError,
} from '@hermes-backstage/plugin-hermes-common';
import { createHash } from 'node:crypto';

/** Catalog entities a skill is meant for, from `metadata.hermes`. */
export interface SkillApplicability {
  entityKinds: string[];
  annotations: string[];
}

/** A SKILL.md document with the fields derived from it for search and the skill index. */
export interface SkillContent {
  name: string;
  description: string;
  document: string;
  contentHash: string;
  /** `metadata.hermes.tags`; none when absent. */
  tags?: string[];
  /** The Markdown body; the whole document when absent. */
  body?: string;
  /** Absent: applies to any entity. */
  appliesTo?: SkillApplicability;
}

/** A skill read from a SKILL.md file in a skills directory. */
export interface DirectorySkill extends SkillContent {
  location: string;
}

/** The largest SKILL.md Hermes reads, from a directory or the API. */
export const MAX_DOCUMENT_CHARS = 100_000;

/** The content of a parsed SKILL.md, as it is stored. */
export function skillContent(
  parsed: SkillDocument,
  document: string,
): SkillContent {
  const hermes = readHermesMetadata(parsed);
  return {
    name: parsed.name,
    description: parsed.description,
    document,
    contentHash: createHash('sha256').update(document).digest('hex'),
    tags: hermes.tags,
    body: parsed.body,
    appliesTo: {
      entityKinds: hermes.entityKinds,
      annotations: hermes.annotations,
    },
  };
}

/**
 * Parses, size- and secret-checks a document written through the API, so that nothing
 * invalid or secret is ever stored.
 */
export function prepareContent(
  document: string,
  location: string,
  message?: string,
): SkillContent {
  if (document.length > MAX_DOCUMENT_CHARS) {
    throw new InputError(
      `${location}: ${document.length} characters; a skill may have at most ${MAX_DOCUMENT_CHARS}. ` +
        'Move long material into reference files.',
    );
  }
  let parsed: SkillDocument;
  try {
    parsed = parseSkillDocument(document, location);
  } catch (error) {
    if (error instanceof SkillParseError) throw new InputError(error.message);
    throw error;
  }
  refuseSecrets(document, `skill "${parsed.name}"`);
  refuseSecrets(message, 'the change message');
  return skillContent(parsed, document);
}

/**
 * Replaces the one occurrence of `oldText` in `document` (described by `where`). More than
 * one would leave the model's intent ambiguous, so that is refused like none.
 */
export function applyPatch(
  document: string,
  change: { oldText: string; newText: string },
  where: string,
): string {
  if (change.oldText.length === 0) {
    throw new InputError(
      `oldText is empty: give the exact text to replace in ${where}`,
    );
  }
  const count = document.split(change.oldText).length - 1;
  if (count !== 1) {
    throw new InputError(
      count === 0
        ? `oldText was not found in ${where}; copy it exactly from the skill's current text`
        : `oldText occurs ${count} times in ${where}; include more of the surrounding text so it occurs once`,
    );
  }
  // A function, so `$` patterns in the new text are not expanded.
  return document.replace(change.oldText, () => change.newText);
}

export function refuseSecrets(text: string | undefined, where: string) {
  const problem = text ? describeSecrets(text, where) : undefined;
  if (problem) throw new InputError(problem);
}
