/**
 * Tokens in `chars` characters, roughly: about four characters per token in English text and
 * JSON. Good enough to keep a budget; not for billing.
 * @public
 */
export function charsToTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** {@link charsToTokens} of a text, or of a value as JSON. @public */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return charsToTokens(text.length);
}
