import type * as Common from '@hermes-backstage/plugin-hermes-common';

/**
 * The shared policy, drift and skill engines, loaded when a command first needs them, so
 * that `--help` and usage errors answer without loading them.
 */
export function common(): typeof Common {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@hermes-backstage/plugin-hermes-common');
}
