import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

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
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

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
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    throw new SkillParseError(
      location,
      'missing YAML front matter: the file must start with a "---" line, then name and description, then "---"',
    );
  }
  let data: unknown;
  try {
    data = parseYaml(match[1]);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      // Front matter starts on line 2 of the file.
      const line = (error.linePos?.[0].line ?? 0) + 1;
      throw new SkillParseError(
        location,
        `invalid YAML in front matter at line ${line}: ${
          error.message.split('\n')[0]
        }`,
      );
    }
    throw error;
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
    body: text.slice(match[0].length).replace(/^\s*\n/, ''),
  };
}
