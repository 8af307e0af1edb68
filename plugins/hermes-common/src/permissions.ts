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

/**
 * Read drift that maps to no catalog entity (an unowned Deployment, a ClusterPolicy without a
 * component) and whole audit reports. Drift of an entity's workloads follows catalog read
 * access to that entity instead.
 * @public
 */
export const hermesDriftReadPermission = createPermission({
  name: 'hermes.drift.read',
  attributes: { action: 'read' },
});

/**
 * Record how a finding about an entity's workloads was resolved; conditioned on the entity
 * (e.g. only its owners), on top of catalog read access to it.
 * @public
 */
export const hermesDriftEntityResolvePermission = createPermission({
  name: 'hermes.drift.entity.resolve',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Record how a finding that maps to no catalog entity was resolved.
 * @public
 */
export const hermesDriftResolvePermission = createPermission({
  name: 'hermes.drift.resolve',
  attributes: { action: 'update' },
});

/**
 * Write the shared (global) notes: add, replace or remove them. Every user's agent sessions
 * start with these notes in their prompt, so grant it as you would the skills. Reading them,
 * and writing one's own and entities' notes, needs no Hermes permission.
 * @public
 */
export const hermesMemoryGlobalUpdatePermission = createPermission({
  name: 'hermes.memory.global.update',
  attributes: { action: 'update' },
});

/**
 * Write the notes about an entity, which enter the prompt of everyone's conversations about
 * it; conditioned on the entity (e.g. only its owners), on top of catalog read access to it.
 * @public
 */
export const hermesMemoryEntityUpdatePermission = createPermission({
  name: 'hermes.memory.entity.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Change, run and delete any user's scheduled tasks and retry their deliveries. Without it a
 * user changes only the tasks they own; tasks declared in config change only in config.
 * @public
 */
export const hermesTasksAdminPermission = createPermission({
  name: 'hermes.tasks.admin',
  attributes: { action: 'update' },
});

/** Every permission Hermes defines. @public */
export const hermesPermissions = [
  hermesSessionsAdminPermission,
  hermesSkillsUpdatePermission,
  hermesSkillsApprovePermission,
  hermesDriftReadPermission,
  hermesDriftEntityResolvePermission,
  hermesDriftResolvePermission,
  hermesMemoryGlobalUpdatePermission,
  hermesMemoryEntityUpdatePermission,
  hermesTasksAdminPermission,
];
