import { useApi } from '@backstage/frontend-plugin-api';
import {
  Classification,
  DriftAuditRecord,
  DriftFindingRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';

/** When the entity's drift was last looked at, and by which audit when the list says so. */
export interface LastAudit {
  at: string;
  cluster?: string;
  status?: DriftAuditRecord['status'];
}

/**
 * An open finding, by its lifecycle state. Findings stored before lifecycles carry none: for
 * them, no resolution of the same drift was recorded at or after `foundAt`.
 */
export function isOpen(finding: DriftFindingRecord): boolean {
  if (finding.state) return finding.state === 'open';
  const found = Date.parse(finding.foundAt);
  const labels = finding.history.labels ?? [];
  return !labels.some(l => Date.parse(l.at) >= found);
}

export function openCounts(
  findings: DriftFindingRecord[],
): Record<Classification, number> {
  const counts = { critical: 0, unknown: 0, harmless: 0 };
  for (const f of findings) if (isOpen(f)) counts[f.classification] += 1;
  return counts;
}

/**
 * The audit the findings came from (the latest of their cluster); without findings, the latest
 * finished audit. Users who may not list audits still learn when the findings were found.
 */
export function lastAuditOf(
  findings: DriftFindingRecord[],
  audits: DriftAuditRecord[] | undefined,
): LastAudit | undefined {
  const ids = new Set(findings.map(f => f.auditId));
  const audit = audits?.find(a =>
    ids.size > 0 ? ids.has(a.id) : a.status !== 'running',
  );
  if (audit) {
    return {
      at: audit.finishedAt ?? audit.startedAt,
      cluster: audit.cluster,
      status: audit.status,
    };
  }
  const found = findings.map(f => f.foundAt).sort();
  return found.length > 0 ? { at: found[found.length - 1] } : undefined;
}

/**
 * The audits worth offering for this entity: those named like the clusters its findings are
 * in (the usual naming, one audit per cluster), else every configured audit.
 */
export function auditsFor(
  definitions: string[],
  findings: DriftFindingRecord[],
): string[] {
  const clusters = new Set(findings.map(f => f.cluster));
  const named = definitions.filter(d => clusters.has(d));
  return named.length > 0 ? named : definitions;
}

/** An entity's latest findings and audits, and running an audit now, for the tab and the card. */
export function useEntityDrift(entityRef: string) {
  const hermesApi = useApi(hermesApiRef);
  const findings = useAsyncRetry(
    // Every state: the entity's tab shows what was resolved or silenced too, with its state.
    () => hermesApi.listFindings({ entityRef, state: 'all' }),
    [hermesApi, entityRef],
  );
  // Listing audits takes hermes.drift.read; without it the findings still show.
  const audits = useAsyncRetry(() => hermesApi.listAudits(), [hermesApi]);
  const [running, setRunning] = useState<string | undefined>();
  const [runError, setRunError] = useState<Error | undefined>();
  const reloadFindings = findings.retry;
  const reloadAudits = audits.retry;
  const run = useCallback(
    async (name: string) => {
      setRunning(name);
      setRunError(undefined);
      try {
        await hermesApi.runAudit(name);
      } catch (e) {
        setRunError(e as Error);
      } finally {
        setRunning(undefined);
        reloadFindings();
        reloadAudits();
      }
    },
    [hermesApi, reloadFindings, reloadAudits],
  );
  const list = findings.value ?? [];
  return {
    findings,
    lastAudit: findings.value
      ? lastAuditOf(list, audits.value?.audits)
      : undefined,
    definitions: auditsFor(audits.value?.definitions ?? [], list),
    run,
    running,
    runError,
  };
}
