import {
  Classification,
  ReportFinding,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';

/**
 * A run of text with one style. Every platform escapes `text` its own way, so text from a
 * report (resource names, field values, a model's answer) can never become markup.
 */
export interface Span {
  text: string;
  style?: 'bold' | 'italic' | 'code';
  /** An http(s) URL: the span is a link with `text` as its label. */
  href?: string;
}

/** One line of a message; an empty array is a blank line. */
export type Line = Span[];

const MARKER: Record<Classification, string> = {
  critical: '🔴 CRITICAL',
  unknown: '🟡 UNKNOWN',
  harmless: '🟢 harmless',
};

/** Only web links become links: anything else (javascript:, relative paths) stays text. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:'
      ? parsed.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

const INLINE =
  /`([^`\n]+)`|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** The inline Markdown a model writes (`code`, **bold**, [links](url)); the rest is text. */
function inlineMarkdown(text: string, prefix: Span[] = []): Line {
  const spans: Span[] = [...prefix];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > last) spans.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) spans.push({ text: m[1], style: 'code' });
    else if (m[2] !== undefined || m[3] !== undefined)
      spans.push({ text: (m[2] ?? m[3])!, style: 'bold' });
    else {
      const href = safeHref(m[5]);
      spans.push(href ? { text: m[4], href } : { text: m[0] });
    }
    last = m.index! + m[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last) });
  return spans;
}

/**
 * A summary written in Markdown (an agent's answer, an audit narrative) as lines: headings
 * become bold lines, bullets `•`, fenced code monospace lines. Everything else is text, so the
 * platform's own escaping applies to all of it.
 */
export function markdownLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let fenced = false;
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      lines.push(raw.trim() ? [{ text: raw, style: 'code' }] : []);
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(raw);
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
    if (heading) lines.push([{ text: heading[1].trim(), style: 'bold' }]);
    else if (bullet)
      lines.push(
        inlineMarkdown(bullet[2], [
          { text: `${bullet[1].length >= 2 ? '   ◦' : '•'} ` },
        ]),
      );
    else lines.push(raw.trim() ? inlineMarkdown(raw.trimEnd()) : []);
  }
  return lines;
}

function findingLines(f: ReportFinding): Line[] {
  const detail = (label: string, text: string | undefined): Line[] =>
    text ? [[{ text: '    ' }, { text: label, style: 'bold' }, { text }]] : [];
  return [
    [
      { text: '• ' },
      { text: MARKER[f.classification], style: 'bold' },
      { text: ` — ${f.headline}` },
    ],
    ...f.changes.map(change => [{ text: `    – ${change}` }]),
    ...(f.moreChanges > 0
      ? [
          [
            {
              text: `    … and ${f.moreChanges} more field${
                f.moreChanges === 1 ? '' : 's'
              } (see the portal)`,
            },
          ],
        ]
      : []),
    ...detail('Who: ', f.attribution),
    ...detail(
      'Skill: ',
      f.skill ? `${f.skill}${f.reason ? ` — ${f.reason}` : ''}` : f.reason,
    ),
    ...detail('Recommend: ', f.recommend),
    ...detail('History: ', f.history),
  ];
}

/** The link back to the run: a link when it is a web URL, else its text. */
export function linkLine(link: string | undefined): Line[] {
  if (!link) return [];
  const href = safeHref(link);
  return [
    [
      { text: 'Open in Backstage: ', style: 'bold' },
      href ? { text: href, href } : { text: link },
    ],
  ];
}

/**
 * The report as lines of styled text, in the shape of the drift report: title, subtitle,
 * status, summary, per namespace its findings (classification, headline, changes,
 * attribution, skill, recommendation, history), warnings and the link back to the portal.
 * The link comes last; `body` excludes it so a truncated message can still end with it.
 */
export function reportLines(report: TaskReport): {
  body: Line[];
  link: Line[];
} {
  const body: Line[] = [[{ text: report.title, style: 'bold' }]];
  if (report.subtitle) body.push([{ text: report.subtitle, style: 'italic' }]);
  if (report.status === 'failed')
    body.push([
      { text: 'Failed', style: 'bold' },
      ...(report.error ? [{ text: `: ${report.error}` }] : []),
    ]);
  if (report.summary?.trim())
    body.push([], ...markdownLines(report.summary.trim()));
  for (const group of report.groups) {
    body.push(
      [],
      [
        { text: group.name, style: 'bold' },
        ...(group.summary ? [{ text: ` — ${group.summary}` }] : []),
      ],
    );
    for (const finding of group.findings) body.push(...findingLines(finding));
  }
  if (report.warnings.length) {
    body.push([], [{ text: '⚠ Warnings', style: 'bold' }]);
    for (const warning of report.warnings)
      body.push([{ text: `• ${warning}` }]);
  }
  const link = linkLine(report.link);
  if (link.length) link.unshift([]);
  return { body, link };
}

/** Plain text of lines, for previews and tests that compare content across platforms. */
export function plainText(lines: Line[]): string {
  return lines.map(line => line.map(s => s.text).join('')).join('\n');
}
