import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read and delete any user's agent conversations and traces, for administrators. Without it
 * a user sees only their own.
 * @public
 */
export const hermesSessionsAdminPermission = createPermission({
  name: 'hermes.sessions.admin',
  attributes: { action: 'read' },
});

/**
 * Write skills: save a new version, import a SKILL.md folder, delete a skill. Skills steer
 * the agent for everyone, so this is worth granting with care.
 * @public
 */
export const hermesSkillsUpdatePermission = createPermission({
  name: 'hermes.skills.update',
  attributes: { action: 'update' },
});

/**
 * Approve or reject the skill drafts the agent proposes, and roll a skill back to an
 * earlier version.
 * @public
 */
export const hermesSkillsApprovePermission = createPermission({
  name: 'hermes.skills.approve',
  attributes: { action: 'update' },
});

/** Every permission Hermes defines. @public */
export const hermesPermissions = [
  hermesSessionsAdminPermission,
  hermesSkillsUpdatePermission,
  hermesSkillsApprovePermission,
];
