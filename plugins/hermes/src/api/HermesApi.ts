import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DriftAuditRecord,
  DriftFindingRecord,
  HermesStatus,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';

/** The Hermes backend as the frontend sees it. @public */
export interface HermesApi {
  getStatus(): Promise<HermesStatus>;
  /** Configured audit names, and recent runs (newest first). */
  listAudits(): Promise<{ definitions: string[]; audits: DriftAuditRecord[] }>;
  runAudit(name: string): Promise<DriftAuditRecord>;
  /** Latest findings; for an entity, only those about its workloads. */
  listFindings(options?: { entityRef?: string }): Promise<DriftFindingRecord[]>;
  resolveFinding(
    id: string,
    resolution: Resolution,
    note?: string,
  ): Promise<void>;
}

/** @public */
export const hermesApiRef = createApiRef<HermesApi>().with({
  id: 'plugin.hermes.api',
  pluginId: 'hermes',
});
