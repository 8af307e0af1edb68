/**
 * The tags that fence data in a prompt: `<context-data>` for what Hermes adds (notes, the
 * entity, summaries, the skill index), `<tool-data>` for what tools return. Text inside one
 * is data, never instructions. @public
 */
export type FenceTag = 'context-data' | 'tool-data';

// Characters a model may read past inside a tag: whitespace and invisible joiners.
const GAP = '[\\s\\u200B-\\u200D\\u2060\\uFEFF]';
/**
 * A `<` (or a look-alike) that starts a fence tag, opening or closing, however it is spelt:
 * any case, spaces around the slash or inside the name, `_` or a space for the dash. Built
 * once from constants (no input enters a pattern here, so the built-in engine is safe), with
 * disjoint character classes under each quantifier, so scanning stays linear.
 */
const FENCE_TAG = new RegExp(
  `[<\\uFF1C\\uFE64](?=(?:${GAP}|[/\\\\\\uFF0F])*(?:context|tool)(?:${GAP}|[-_])*data(?![a-z0-9]))`,
  'gi',
);

/**
 * `text` with every fence tag in it neutralised (its `<` written `&lt;`), so that nothing in
 * it can close the block it is put in, or open a new one. Other angle brackets stay as they
 * are. Every block of data that enters a prompt goes through this, through {@link fence}.
 * @public
 */
export function escapeFences(text: string): string {
  return text.replace(FENCE_TAG, '&lt;');
}

/**
 * `text` as a block of data for a prompt: `<tag attributes>`, the text with its fence tags
 * escaped, and the one closing tag. Attribute values keep only name characters.
 * @public
 */
export function fence(
  tag: FenceTag,
  text: string,
  attributes: Record<string, string> = {},
): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${value.replace(/[^\w.:/-]/g, '')}"`)
    .join('');
  return `<${tag}${attrs}>\n${escapeFences(text)}\n</${tag}>`;
}

// The opening line `fence` writes for each tag, attributes included.
const OPENING: Record<FenceTag, RegExp> = {
  'context-data': /^<context-data(?: [\w-]+="[\w.:/-]*")*>\n/,
  'tool-data': /^<tool-data(?: [\w-]+="[\w.:/-]*")*>\n/,
};

/**
 * Whether `text` is exactly one block made by {@link fence} with `tag` (so fencing it again
 * would only nest it), rather than text that merely starts and ends like one.
 * @public
 */
export function isFenced(text: string, tag: FenceTag): boolean {
  const open = text.match(OPENING[tag]);
  const close = `\n</${tag}>`;
  if (!open || !text.endsWith(close)) return false;
  const inner = text.slice(open[0].length, text.length - close.length);
  return escapeFences(inner) === inner;
}
