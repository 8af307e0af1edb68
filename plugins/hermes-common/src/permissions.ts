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

/** Every permission Hermes defines. @public */
export const hermesPermissions = [hermesSessionsAdminPermission];
