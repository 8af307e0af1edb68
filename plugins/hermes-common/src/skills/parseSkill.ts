import { YAMLParseError } from 'yaml';
import { parseYaml } from '../yaml';
import { z } from 'zod';
import { splitSkillDocument } from './frontMatter';

/**
 * A skill in the SKILL.md format: YAML front matter (`name`, `description`, optional
 * `metadata`, where Hermes keeps its own fields under `metadata.hermes`) and a Markdown body.
 *
 * @public
 */
export interface SkillDocument {
  name: string;
  description: string;
  /** Free-form metadata from the front matter; Hermes fields live under `hermes`. */
  metadata: Record<string, unknown>;
  /** The Markdown runbook, without the front matter. */
  body: string;
}

/** @public */
export class SkillParseError extends Error {
  constructor(readonly location: string, readonly detail: string) {
    super(`${location}: ${detail}`);
    this.name = 'SkillParseError';
  }
}

// A list may be written as one string (`tags: kyverno`) or a YAML list.
const stringList = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform(v => (Array.isArray(v) ? v : [v]));

// Only the fields Hermes reads are checked; others (e.g. `triage`, checked by the triage
// reader) pass through untouched.
const hermesSchema = z.looseObject({
  tags: stringList.optional(),
  kinds: stringList.optional(),
  entityKinds: stringList.optional(),
  annotations: stringList.optional(),
  tools: stringList.optional(),
});

/**
 * The Hermes fields of a skill's `metadata.hermes`, with absent lists empty.
 *
 * @public
 */
export interface HermesSkillMetadata {
  /** Words for search and for matching an entity's tags. */
  tags: string[];
  /** Kubernetes object kinds the skill is about (e.g. `Deployment`); informational. */
  kinds: string[];
  /** Catalog entity kinds the skill applies to (e.g. `Component`); empty: any kind. */
  entityKinds: string[];
  /**
   * Catalog annotation keys; the skill applies to an entity that has at least one of them
   * (e.g. `backstage.io/kubernetes-id`). Empty: any entity.
   */
  annotations: string[];
  /** Hermes tools the runbook uses. */
  tools: string[];
}

/**
 * Reads `metadata.hermes` of a parsed skill. {@link parseSkillDocument} has already refused
 * malformed fields, so anything unreadable here is treated as absent.
 *
 * @public
 */
export function readHermesMetadata(skill: SkillDocument): HermesSkillMetadata {
  const parsed = hermesSchema.safeParse(skill.metadata.hermes ?? {});
  const data = parsed.success ? parsed.data : {};
  return {
    tags: data.tags ?? [],
    kinds: data.kinds ?? [],
    entityKinds: data.entityKinds ?? [],
    annotations: data.annotations ?? [],
    tools: data.tools ?? [],
  };
}

const frontMatterSchema = z.looseObject({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(
      /^[a-z0-9]+(-[a-z0-9]+)*$/,
      'must be lowercase letters, digits and single hyphens, e.g. "kyverno-drift-response"',
    ),
  description: z.string().trim().min(1).max(1024),
  metadata: z.looseObject({ hermes: hermesSchema.optional() }).optional(),
});

/**
 * Parses a SKILL.md document. Throws {@link SkillParseError} naming the location and the
 * offending field (or YAML line) when the document is not a valid skill.
 *
 * @public
 */
export function parseSkillDocument(
  text: string,
  location: string,
): SkillDocument {
  const { frontMatter, body } = splitSkillDocument(text);
  if (frontMatter === undefined) {
    throw new SkillParseError(
      location,
      'missing YAML front matter: the file must start with a "---" line, then name and description, then "---"',
    );
  }
  let data: unknown;
  try {
    data = parseYaml(frontMatter);
  } catch (error) {
    // Front matter starts on line 2 of the file.
    const line =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line + 1}`
        : '';
    // Any YAML failure, an alias bomb included, is the document's problem, not the server's.
    throw new SkillParseError(
      location,
      `invalid YAML in front matter${line}: ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
  const result = frontMatterSchema.safeParse(data ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${issue.path.join('.') || 'front matter'}: ${issue.message}`,
    );
    throw new SkillParseError(location, problems.join('; '));
  }
  return {
    name: result.data.name,
    description: result.data.description.trim(),
    metadata: result.data.metadata ?? {},
    body: body.replace(/^\s*\n/, ''),
  };
}
