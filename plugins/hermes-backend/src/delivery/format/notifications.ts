import { TaskReport } from '@hermes-backstage/plugin-hermes-common';

/** Backstage shows a notification's description in a list: a few lines, not the report. */
const DESCRIPTION_LIMIT = 600;
const HEADLINES_SHOWN = 3;

function firstLine(markdown: string): string {
  const line =
    markdown
      .split('\n')
      .map(l => l.replace(/^[#>*+\-\s]+/, '').trim())
      .find(Boolean) ?? '';
  return line.replace(/\*\*|__|`/g, '');
}

/**
 * The report as a Backstage notification: its title, a short description (status, counts,
 * the first line of the summary, the most severe findings) and the link to the full report.
 * Critical findings make it `high` severity.
 */
export function formatNotification(report: TaskReport): {
  title: string;
  description: string;
  link?: string;
  severity: 'high' | 'normal';
} {
  const findings = report.groups.flatMap(g =>
    g.findings.map(f => ({ group: g.name, ...f })),
  );
  const critical = findings.filter(f => f.classification === 'critical');
  const lines: string[] = [];
  if (report.status === 'failed')
    lines.push(`Failed${report.error ? `: ${report.error}` : ''}`);
  if (report.subtitle) lines.push(report.subtitle);
  if (report.summary) lines.push(firstLine(report.summary));
  const notable = (critical.length ? critical : findings).slice(
    0,
    HEADLINES_SHOWN,
  );
  for (const f of notable)
    lines.push(`${f.classification}: ${f.group}/${f.headline}`);
  if (findings.length > notable.length)
    lines.push(`… and ${findings.length - notable.length} more`);
  if (report.warnings.length)
    lines.push(
      `${report.warnings.length} warning${
        report.warnings.length === 1 ? '' : 's'
      }`,
    );
  let description = lines.filter(Boolean).join('\n');
  if (description.length > DESCRIPTION_LIMIT)
    description = `${Array.from(description)
      .slice(0, DESCRIPTION_LIMIT - 1)
      .join('')}…`;
  return {
    title: report.title,
    description,
    link: report.link,
    severity: critical.length ? 'high' : 'normal',
  };
}
