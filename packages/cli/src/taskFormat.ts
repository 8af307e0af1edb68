import type {
  DeliveryRecord,
  TaskRecord,
  TaskReport,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';

/** "2026-05-23 12:00 UTC", in the task's time zone when it has one. */
export function when(iso: string | undefined, timeZone = 'UTC'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return when(iso, 'UTC');
  }
  const p = (type: string) => parts.find(x => x.type === type)?.value;
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p(
    'minute',
  )} ${timeZone}`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

export function runStatus(run: TaskRunRecord): string {
  return `${run.status}${run.reason ? ` (${run.reason})` : ''}`;
}

export function deliveryLine(d: DeliveryRecord, timeZone: string): string {
  const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  const parts = [`${d.status}`, attempts];
  if (d.status === 'sent' && d.sentAt)
    parts.push(`sent ${when(d.sentAt, timeZone)}`);
  if (d.messageId) parts.push(`message ${d.messageId}`);
  if (d.lastError) parts.push(`last error: ${d.lastError}`);
  if (d.status === 'failed' && d.nextAttemptAt) {
    parts.push(`next attempt ${when(d.nextAttemptAt, timeZone)}`);
  }
  return `delivery ${d.channel}${d.type ? ` (${d.type})` : ''}: ${parts.join(
    ' · ',
  )}`;
}

/** A task as `task add` shows it: schedule in words and the next three runs. */
export function describeTask(task: TaskRecord, heading: string): string {
  const s = task.schedule;
  const lines = [
    `${heading} ${task.name} (id ${task.id})`,
    `  kind:      ${task.kind}${task.audit ? ` — audit ${task.audit}` : ''}`,
    `  schedule:  ${s.description} (${s.text}${
      s.cron !== s.text ? ` = cron ${s.cron}` : ''
    }, ${s.timezone})`,
    task.enabled
      ? `  next runs: ${s.next.map(t => when(t, s.timezone)).join(', ') || '—'}`
      : '  next runs: none: the task is disabled',
    `  deliver:   ${
      task.deliver.join(', ') || 'nowhere (the run is only recorded)'
    }`,
  ];
  if (task.entityRef) lines.push(`  entity:    ${task.entityRef}`);
  if (task.model) lines.push(`  model:     ${task.model}`);
  if (task.prompt) lines.push(`  prompt:    ${task.prompt}`);
  return lines.join('\n');
}

/** A run's report as text, in the shape of the drift report. */
export function describeReport(report: TaskReport): string {
  const lines = [report.title];
  if (report.subtitle) lines.push(report.subtitle);
  if (report.summary) lines.push('', report.summary);
  for (const group of report.groups) {
    lines.push('', `${group.name}: ${group.summary}`);
    for (const f of group.findings) {
      lines.push(`  [${f.classification}] ${f.headline}`);
      lines.push(...f.changes.map(c => `    ${c}`));
      if (f.moreChanges) lines.push(`    …and ${f.moreChanges} more`);
      if (f.attribution) lines.push(`    ${f.attribution}`);
      if (f.skill)
        lines.push(`    skill "${f.skill}"${f.reason ? `: ${f.reason}` : ''}`);
      else if (f.reason) lines.push(`    ${f.reason}`);
      if (f.recommend) lines.push(`    Recommend: ${f.recommend}`);
      if (f.history) lines.push(`    Context: ${f.history}`);
    }
  }
  if (report.warnings.length)
    lines.push('', ...report.warnings.map(w => `warning: ${w}`));
  if (report.error) lines.push('', `error: ${report.error}`);
  if (report.link) lines.push('', report.link);
  return lines.join('\n');
}
