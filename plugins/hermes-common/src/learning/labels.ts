import type { Resolution } from '../drift/types';
import type { LabelClass } from './types';

/**
 * What a person's resolution says about the drift: `harmless` needed nothing; `reverted` and
 * `critical` had to be undone or were called critical; `committed` was intended but Git had
 * to follow, so it is neither harmless nor critical.
 */
export function labelClass(resolution: Resolution): LabelClass {
  switch (resolution) {
    case 'harmless':
      return 'harmless';
    case 'critical':
    case 'reverted':
      return 'critical';
    case 'committed':
      return 'action-needed';
    default:
      throw new Error(
        `unknown resolution ${JSON.stringify(
          resolution,
        )}: expected harmless, reverted, committed or critical`,
      );
  }
}
