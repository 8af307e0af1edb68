/**
 * A rough token count for prompt budgets: about four characters per token in English text
 * and JSON. Good enough to keep a budget; not for billing.
 * @public
 */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return Math.ceil(text.length / 4);
}
