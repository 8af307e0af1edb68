import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Line, Span } from './lines';
import { DEFAULT_MAX_PARTS, formatMessages, wrapStyled } from './split';

/** Discord rejects a message `content` longer than 2,000 characters. */
export const DISCORD_LIMIT = 2000;

/**
 * Text for Discord Markdown: a backslash before every character Discord gives a meaning
 * (emphasis, code, spoilers, strike, links, mentions like `<@id>`, quotes, headings and lists
 * at line start). Discord drops the backslash before any punctuation, so the text reads as
 * written. Mentions are also switched off in the request (`allowed_mentions`).
 */
export function escapeDiscord(text: string, lineStart = false): string {
  const escaped = text.replace(/[\\*_`~|[\]()<>]/g, '\\$&');
  // Headings, lists and numbered lists only begin a line.
  return lineStart
    ? escaped.replace(/^(\s*)([#+-])/, '$1\\$2').replace(/^(\s*\d+)\./, '$1\\.')
    : escaped;
}

function renderSpan(span: Span, lineStart: boolean): string {
  // `<url>` keeps Discord from unfurling a preview under the report.
  if (span.href)
    return `[${escapeDiscord(span.text)}](<${span.href.replace(/[<>()\s]/g, c =>
      encodeURIComponent(c),
    )}>)`;
  // Inside code nothing is Markdown, but nothing can be escaped either: text with a backtick
  // is shown as escaped plain text instead.
  if (span.style === 'code' && !span.text.includes('`'))
    return wrapStyled(span.text, '`', '`');
  const text = escapeDiscord(span.text, lineStart);
  if (span.style === 'bold') return wrapStyled(text, '**', '**');
  if (span.style === 'italic') return wrapStyled(text, '*', '*');
  return text;
}

export function renderDiscordLine(line: Line): string {
  return line.map((span, i) => renderSpan(span, i === 0)).join('');
}

/** The report as Discord Markdown messages of at most 2,000 characters. */
export function formatDiscord(
  report: TaskReport,
  options: { limit?: number; maxParts?: number } = {},
): string[] {
  return formatMessages(report, {
    limit: options.limit ?? DISCORD_LIMIT,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
    render: renderDiscordLine,
  });
}
