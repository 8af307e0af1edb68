// Words too common to tell documents apart; without this list every document would match a
// question written in English on SQLite (PostgreSQL's english configuration drops them itself).
const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does for from had has have how i if in
  into is it its me my no not of on or our please so than that the their them then there these
  they this to too was we were what when where which who why will with would you your`.split(
    /\s+/,
  ),
);

/**
 * The searchable words of free text, from a user or a model: runs of letters and digits,
 * lower-cased, without stop words, at most `max`. They contain no operator or quote of any
 * full-text query language (FTS5 or tsquery), so no text can change or break the query.
 */
export function searchTerms(text: string, max: number): string[] {
  const terms = new Set<string>();
  for (const [word] of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const term = word.toLowerCase();
    if (term.length < 2 || term.length > 64 || STOP_WORDS.has(term)) continue;
    terms.add(term);
    if (terms.size === max) break;
  }
  return [...terms];
}
