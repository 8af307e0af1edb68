import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates request input with a zod schema, or throws an InputError naming each bad field,
 * e.g. `Invalid note: scope: Invalid option`.
 */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${what}: ${parsed.error.issues
        .map(i => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
