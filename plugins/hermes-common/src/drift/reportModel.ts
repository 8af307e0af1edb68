import type { ReportFinding, TaskReport } from '../tasks/types';
import { formatUtc } from '../time';
import {
  countBy,
  describeChange,
  describeHistory,
  describeSuggestion,
  headline,
  ReportableFinding,
  who,
} from './report';
import { Classification, DriftFinding, DriftFindingRecord } from './types';

const ORDER: Record<Classification, number> = {
  critical: 0,
  unknown: 1,
  harmless: 2,
};
const CHANGES_SHOWN = 5;

function reportFinding(f: ReportableFinding): ReportFinding {
  return {
    classification: f.classification,
    headline: headline(f),
    changes: f.changes.slice(0, CHANGES_SHOWN).map(describeChange),
    moreChanges: Math.max(0, f.changes.length - CHANGES_SHOWN),
    attribution: who(f),
    skill: f.skill,
    // Without a deciding skill, the model's suggestion says what it may be (never a verdict).
    reason:
      !f.skill && f.suggestion ? describeSuggestion(f.suggestion) : f.reason,
    recommend: f.recommend,
    history: describeHistory(f.history),
  };
}

/**
 * A drift audit as the report model every delivery channel formats: findings grouped by
 * namespace, most severe first, with attribution, the deciding skill and history.
 */
export function driftReportModel(options: {
  cluster: string;
  findings: Array<DriftFinding | DriftFindingRecord>;
  time?: Date;
  namespaces?: string[];
  warnings?: string[];
  narrative?: string;
  link?: string;
}): TaskReport {
  const { cluster, findings } = options;
  const groups = new Map<string, Array<DriftFinding | DriftFindingRecord>>();
  for (const f of findings) {
    const group = f.resource.namespace ?? '(cluster-scoped)';
    groups.set(group, [...(groups.get(group) ?? []), f]);
  }
  const scope = options.namespaces?.length
    ? `${options.namespaces.length} namespace${
        options.namespaces.length === 1 ? '' : 's'
      }`
    : `${groups.size} namespace${groups.size === 1 ? '' : 's'} with drift`;
  return {
    title: `Drift Audit — ${formatUtc(
      options.time ?? new Date(),
    )} · cluster ${cluster}`,
    subtitle: `${scope} · ${findings.length} finding${
      findings.length === 1 ? '' : 's'
    } (${countBy(findings)})`,
    status: 'succeeded',
    summary: options.narrative,
    groups: [...groups.keys()].sort().map(name => {
      const items = [...groups.get(name)!].sort(
        (a, b) =>
          ORDER[a.classification] - ORDER[b.classification] ||
          a.resource.name.localeCompare(b.resource.name),
      );
      return {
        name,
        summary: `${items.length} finding${
          items.length === 1 ? '' : 's'
        } (${countBy(items)})`,
        findings: items.map(reportFinding),
      };
    }),
    warnings: options.warnings ?? [],
    link: options.link,
  };
}
