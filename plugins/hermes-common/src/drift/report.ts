import type { TriageSuggestion } from '../learning/types';
import { formatUtc } from '../time';
import {
  Classification,
  DriftFinding,
  DriftFindingRecord,
  FieldChange,
} from './types';

/** A finding as reports take it: with the model's suggestion and its history when known. */
export type ReportableFinding = DriftFinding & {
  suggestion?: TriageSuggestion;
  history?: DriftFindingRecord['history'];
};

const ORDER: Record<Classification, number> = {
  critical: 0,
  unknown: 1,
  harmless: 2,
};

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function describeChange(change: FieldChange): string {
  return change.redacted
    ? `${change.path}: Secret value differs (withheld)`
    : `${change.path}: ${show(change.desired)} in Git, ${show(
        change.live,
      )} live`;
}

export function who(finding: DriftFinding): string | undefined {
  const a = finding.attribution;
  if (!a) return undefined;
  const via = a.subresource ? ` via ${a.subresource}` : '';
  const user = a.user ? ` as "${a.user}"` : '';
  return `${a.manager} (${a.class}, ${a.operation}${via})${user}${
    a.time ? ` at ${formatUtc(a.time)}` : ''
  }`;
}

export function headline(finding: DriftFinding): string {
  const { kind, name } = finding.resource;
  switch (finding.type) {
    case 'missing':
      return `${kind} ${name}: in Git, not in the cluster`;
    case 'extra':
      return `${kind} ${name}: in the cluster, not in Git`;
    default:
      return finding.changes.length === 1
        ? `${kind} ${name}: 1 field differs from Git`
        : `${kind} ${name}: ${finding.changes.length} fields differ from Git`;
  }
}

/** "suggested: harmless — model small-model, 0.8: autoscaler writes this" */
export function describeSuggestion(suggestion: TriageSuggestion): string {
  const reason = suggestion.reason ? `: ${suggestion.reason}` : '';
  return `suggested: ${suggestion.classification} — model ${
    suggestion.model
  }, ${Math.round(suggestion.confidence * 100) / 100}${reason}`;
}

/**
 * What history says about a finding: "seen 3× in 14 days · resolved 2× before (reverted ×2) ·
 * last resolved: reverted by user:default/ana · previous episodes: reverted ×2 (confirmed ×1) ·
 * 3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting"; undefined when
 * there is nothing to say. `seen` counts episodes (first seen → gone), not audit runs.
 */
export function describeHistory(
  history: DriftFindingRecord['history'] | undefined,
): string | undefined {
  if (!history) return undefined;
  const { seen, windowDays, lastResolution } = history;
  const labels = history.labels ?? [];
  const parts: string[] = [];
  if (history.reopened) parts.push(`reopened: ${history.reopened}`);
  if (seen > 1) parts.push(`seen ${seen}× in ${windowDays} days`);
  if (labels.length > 1) {
    const counts = new Map<string, number>();
    for (const l of labels)
      counts.set(l.resolution, (counts.get(l.resolution) ?? 0) + 1);
    parts.push(
      `resolved ${labels.length}× before (${[...counts]
        .map(([r, n]) => `${r} ×${n}`)
        .join(', ')})`,
    );
  }
  if (lastResolution && !history.reopened)
    parts.push(
      `last resolved: ${lastResolution.resolution} by ${lastResolution.userRef}`,
    );
  const episodes = history.previousEpisodes ?? [];
  if (episodes.length) {
    const counts = new Map<string, number>();
    for (const e of episodes) {
      const how = e.resolution ?? 'gone unresolved';
      counts.set(how, (counts.get(how) ?? 0) + 1);
    }
    const confirmed = episodes.filter(
      e => e.verification === 'confirmed',
    ).length;
    parts.push(
      `previous episodes: ${[...counts]
        .map(([r, n]) => `${r} ×${n}`)
        .join(', ')}${confirmed ? ` (confirmed ×${confirmed})` : ''}`,
    );
  }
  if (history.similar) parts.push(history.similar.description);
  return parts.length ? parts.join(' · ') : undefined;
}

export function countBy(findings: DriftFinding[]): string {
  const counts = (['critical', 'unknown', 'harmless'] as const)
    .map(c => [c, findings.filter(f => f.classification === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c}`);
  return counts.length ? counts.join(', ') : 'no drift';
}

/**
 * The deterministic audit report, grouped by namespace with the most severe findings first:
 * what differs, who changed it and when, and what the skills say about it.
 */
export function formatDriftReport(options: {
  cluster: string;
  findings: ReportableFinding[];
  time?: Date;
  namespaces?: string[];
  warnings?: string[];
}): string {
  const { cluster, findings } = options;
  const groups = new Map<string, ReportableFinding[]>();
  for (const f of findings) {
    const group = f.resource.namespace ?? '(cluster-scoped)';
    groups.set(group, [...(groups.get(group) ?? []), f]);
  }
  const scope = options.namespaces?.length
    ? `${options.namespaces.length} namespace${
        options.namespaces.length === 1 ? '' : 's'
      }`
    : `${groups.size} namespace${groups.size === 1 ? '' : 's'} with drift`;
  const lines = [
    `Drift Audit — ${formatUtc(
      options.time ?? new Date(),
    )} · cluster ${cluster} · ${scope} · ${findings.length} finding${
      findings.length === 1 ? '' : 's'
    } (${countBy(findings)})`,
  ];
  for (const group of [...groups.keys()].sort()) {
    const items = groups
      .get(group)!
      .sort(
        (a, b) =>
          ORDER[a.classification] - ORDER[b.classification] ||
          a.resource.name.localeCompare(b.resource.name),
      );
    lines.push(
      '',
      `${group}: ${items.length} finding${
        items.length === 1 ? '' : 's'
      } (${countBy(items)})`,
    );
    for (const f of items) {
      lines.push(
        `  ${f.classification.toUpperCase().padEnd(8)} ${headline(f)}`,
      );
      for (const change of f.changes.slice(0, 5))
        lines.push(`           ${describeChange(change)}`);
      if (f.changes.length > 5)
        lines.push(`           ... and ${f.changes.length - 5} more fields`);
      const writer = who(f);
      // managedFields keep the latest write per manager, not who created an object.
      if (writer) lines.push(`           last written by ${writer}`);
      if (f.skill) {
        const reason =
          f.reason && !/[.!?]$/.test(f.reason) ? `${f.reason}.` : f.reason;
        const recommend = f.recommend ? ` Recommend: ${f.recommend}` : '';
        lines.push(
          `           matches skill "${f.skill}": ${reason}${recommend}`,
        );
      } else {
        lines.push('           no skill classifies this drift; review it');
        // A model's view, never a verdict: the classification above stays.
        if (f.suggestion)
          lines.push(`           ${describeSuggestion(f.suggestion)}`);
      }
      const history = describeHistory(f.history);
      if (history) lines.push(`           history: ${history}`);
    }
  }
  for (const warning of options.warnings ?? [])
    lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
