import { ResponseError } from '@backstage/errors';

/** What went wrong, in the backend's words when it said so (e.g. which config to add). */
export function errorText(error: Error): string {
  return ResponseError.is(error) ? error.body.error.message : error.message;
}
