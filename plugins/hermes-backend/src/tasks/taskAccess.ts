import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  hermesDriftReadPermission,
  hermesTasksAdminPermission,
} from '@hermes-backstage/plugin-hermes-common';
import { StoredTask } from './TaskStore';

// Users, or a service calling with a static token (the CLI in a pipeline).
export type UserCredentials = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/** What a caller may do with tasks beyond their own. */
export type Access = { admin: boolean; driftRead: boolean };

/** Who owns what a caller creates: the user, or the calling service's subject. */
export function callerRef(credentials: UserCredentials): string {
  const { principal } = credentials;
  return principal.type === 'user'
    ? principal.userEntityRef
    : `service:${principal.subject}`;
}

/** Who may read a task and who may change (or run) it. */
export class TaskAccess {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      permissions: PermissionsService;
    },
  ) {}

  async mayChange(
    task: StoredTask,
    credentials: UserCredentials,
    options: { allowConfig?: boolean } = {},
  ) {
    if (task.owner === callerRef(credentials)) return true;
    if (task.source === 'config' && options.allowConfig)
      return this.canRead(task, credentials);
    return this.isAdmin(credentials);
  }

  /**
   * Who may read a task, its runs and reports: its owner, administrators, and whoever may
   * read what its reports are about (its entity; all drift for a task without one).
   */
  async canRead(
    task: StoredTask,
    credentials: UserCredentials,
    known?: Access,
  ) {
    if (task.owner === callerRef(credentials)) return true;
    const access = known ?? (await this.of(credentials));
    if (access.admin) return true;
    if (!task.entityRef) return access.driftRead;
    return Boolean(
      await this.options.catalog.getEntityByRef(task.entityRef, {
        credentials,
      }),
    );
  }

  /** The caller's task permissions, in one authorize call. */
  async of(credentials: UserCredentials): Promise<Access> {
    const [admin, driftRead] = await this.options.permissions.authorize(
      [
        { permission: hermesTasksAdminPermission },
        { permission: hermesDriftReadPermission },
      ],
      { credentials },
    );
    return {
      admin: admin.result === AuthorizeResult.ALLOW,
      driftRead: driftRead.result === AuthorizeResult.ALLOW,
    };
  }

  async isAdmin(credentials: UserCredentials) {
    return (await this.of(credentials)).admin;
  }
}
