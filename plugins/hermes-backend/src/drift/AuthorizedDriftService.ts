import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  hermesDriftEntityResolvePermission,
  hermesDriftReadPermission,
  hermesDriftResolvePermission,
} from '@hermes-backstage/plugin-hermes-common';
import {
  AuditPageOptions,
  AuditRunOptions,
  DriftCaller,
  DriftService,
  FindingListOptions,
  FindingPageOptions,
  ResolutionRequest,
} from './DriftService';
import { StoredFinding } from './DriftStore';
import { ownersOf, workloadEntities } from './workloads';

/**
 * The drift service with its permission checks, kept apart from the logic (as the catalog's
 * AuthorizedRefreshService does). A finding about an entity's workloads is readable with
 * catalog read access to that entity, and resolvable with `hermes.drift.entity.resolve` on
 * it; a finding that maps to no entity, and whole audit reports, need `hermes.drift.read`
 * (and `hermes.drift.resolve` to resolve). Calls without credentials are Hermes' own.
 */
export class AuthorizedDriftService implements DriftService {
  constructor(
    private readonly inner: DriftService,
    private readonly options: {
      permissions: PermissionsService;
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  definitions() {
    return this.inner.definitions();
  }

  async runAudit(
    name: string,
    trigger: Parameters<DriftService['runAudit']>[1],
    caller: AuditRunOptions = {},
  ) {
    await this.require(hermesDriftReadPermission, caller, 'run drift audits');
    return this.inner.runAudit(name, trigger, caller);
  }

  async listAudits(caller: DriftCaller = {}) {
    await this.require(hermesDriftReadPermission, caller, 'read drift audits');
    return this.inner.listAudits(caller);
  }

  // Every run needs the same drift-wide permission, so paging in the database stays exact.
  async pageAudits(options: AuditPageOptions = {}) {
    await this.require(hermesDriftReadPermission, options, 'read drift audits');
    return this.inner.pageAudits(options);
  }

  async getAudit(id: string, caller: DriftCaller = {}) {
    await this.require(hermesDriftReadPermission, caller, 'read drift audits');
    return this.inner.getAudit(id, caller);
  }

  getFinding(id: string) {
    return this.inner.getFinding(id);
  }

  receiveAuditEvents(cluster: string, events: unknown) {
    return this.inner.receiveAuditEvents(cluster, events);
  }

  async listFindings(options: FindingListOptions): Promise<StoredFinding[]> {
    return (await this.pageFindings({ ...options, limit: Infinity })).findings;
  }

  async pageFindings(options: FindingPageOptions) {
    // With an entity, the inner service reads it with the caller's credentials.
    if (options.entityRef) return this.inner.pageFindings(options);
    const { credentials } = options;
    const [mapped, readable, readUnmapped] = await Promise.all([
      workloadEntities(
        this.options.catalog,
        await this.options.auth.getOwnServiceCredentials(),
      ),
      workloadEntities(this.options.catalog, credentials),
      this.allowed(hermesDriftReadPermission, credentials),
    ]);
    const readableRefs = new Set(readable.map(e => stringifyEntityRef(e)));
    // Filtered before paging, so pages and the total count only what the caller may see.
    return this.inner.pageFindings({
      ...options,
      visible: finding => {
        if (options.visible && !options.visible(finding)) return false;
        const owners = ownersOf(finding, mapped);
        return owners.length === 0
          ? readUnmapped
          : owners.some(e => readableRefs.has(stringifyEntityRef(e)));
      },
    });
  }

  async resolveFinding(
    id: string,
    resolution: ResolutionRequest,
    caller: DriftCaller = {},
  ) {
    await this.requireMayResolve(id, caller);
    await this.inner.resolveFinding(id, resolution, caller);
  }

  /**
   * The author of the last event may undo it if they may still resolve the drift; someone
   * with hermes.drift.read may undo anyone's.
   */
  async undoResolution(
    id: string,
    undo: { userRef: string; asAdmin?: boolean },
    caller: DriftCaller = {},
  ) {
    const { credentials } = caller;
    const asAdmin =
      !credentials ||
      (await this.allowed(hermesDriftReadPermission, credentials));
    if (!asAdmin) await this.requireMayResolve(id, caller);
    return this.inner.undoResolution(id, { ...undo, asAdmin }, caller);
  }

  private async requireMayResolve(id: string, caller: DriftCaller) {
    const { credentials } = caller;
    if (!credentials) return;
    const finding = await this.inner.getFinding(id);
    const owners = ownersOf(
      finding,
      await workloadEntities(
        this.options.catalog,
        await this.options.auth.getOwnServiceCredentials(),
      ),
    );
    if (owners.length === 0) {
      await this.require(
        hermesDriftResolvePermission,
        caller,
        'resolve drift that belongs to no catalog entity',
      );
    } else if (!(await this.mayResolveForAny(owners, credentials))) {
      throw new NotAllowedError(
        `You may not resolve drift of ${owners
          .map(e => stringifyEntityRef(e))
          .join(', ')} (${hermesDriftEntityResolvePermission.name})`,
      );
    }
  }

  // Labelled findings and metrics span every cluster and entity: drift-wide read access.
  async listLabelledFindings(
    options?: { since?: Date },
    caller: DriftCaller = {},
  ) {
    await this.require(
      hermesDriftReadPermission,
      caller,
      'read labelled drift findings',
    );
    return this.inner.listLabelledFindings(options, caller);
  }

  async triageMetrics(options?: { limit?: number }, caller: DriftCaller = {}) {
    await this.require(
      hermesDriftReadPermission,
      caller,
      'read drift triage metrics',
    );
    return this.inner.triageMetrics(options, caller);
  }

  /** Hermes' own retention: it takes no caller, so no request can reach it. */
  deleteAuditsBefore(cutoff: Date) {
    return this.inner.deleteAuditsBefore(cutoff);
  }

  /** Catalog read of the entity (the caller's view) and the resolve permission on it. */
  private async mayResolveForAny(
    owners: Entity[],
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const refs = owners.map(e => stringifyEntityRef(e));
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['kind', 'metadata.name'] },
      { credentials },
    );
    const readable = refs.filter((_, i) => items[i]);
    if (readable.length === 0) return false;
    const decisions = await this.options.permissions.authorize(
      readable.map(resourceRef => ({
        permission: hermesDriftEntityResolvePermission,
        resourceRef,
      })),
      { credentials },
    );
    return decisions.some(d => d.result === AuthorizeResult.ALLOW);
  }

  private async allowed(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  private async require(
    permission: BasicPermission,
    caller: DriftCaller,
    what: string,
  ) {
    if (
      caller.credentials &&
      !(await this.allowed(permission, caller.credentials))
    )
      throw new NotAllowedError(`You may not ${what} (${permission.name})`);
  }
}
