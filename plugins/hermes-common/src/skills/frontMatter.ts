const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * A SKILL.md split at its front matter: the YAML between the opening and closing `---` lines
 * (absent when the document does not start with one) and the Markdown after it.
 *
 * @public
 */
export interface SplitSkillDocument {
  frontMatter?: string;
  body: string;
}

/**
 * Splits a SKILL.md into its YAML front matter and its Markdown body, without parsing either.
 * A document without front matter is all body.
 *
 * @public
 */
export function splitSkillDocument(document: string): SplitSkillDocument {
  const match = FRONT_MATTER.exec(document);
  return match
    ? { frontMatter: match[1], body: document.slice(match[0].length) }
    : { body: document };
}
