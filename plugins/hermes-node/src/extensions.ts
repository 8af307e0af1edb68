import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * Lets backend modules contribute skills to the Hermes library, for example an
 * organisation's own runbooks packaged as a module.
 *
 * @public
 */
export interface HermesSkillsExtensionPoint {
  /**
   * Adds a directory whose sub-folders each hold a `SKILL.md`. Skills from these
   * directories are read at start-up, like the ones in `hermes.skills.directories`.
   */
  addSkillDirectory(directory: string): void;
}

/** @public */
export const hermesSkillsExtensionPoint =
  createExtensionPoint<HermesSkillsExtensionPoint>({
    id: 'hermes.skills',
  });
