import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Line, Span } from './lines';
import { DEFAULT_MAX_PARTS, formatMessages, wrapStyled } from './split';

/**
 * Slack recommends keeping a message's `text` under 4,000 characters (it truncates past
 * 40,000). A longer report is split into several messages on line boundaries; the channel
 * posts the later parts as replies in the first one's thread, so the channel shows one message.
 */
export const SLACK_LIMIT = 4000;

/**
 * Text for Slack mrkdwn. Slack's own rule: `&`, `<` and `>` become entities (so `<!channel>`
 * or `<http://x|y>` in a report cannot mention or link). mrkdwn has no escape for `*`, `_`, `~`
 * and `` ` ``: a zero-width space after each stops them pairing up into formatting while the
 * character itself still shows and copies.
 */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, '$&\u200B');
}

/** A link target for `<url|label>`: Slack reads `|` and `>` as its syntax. */
function slackUrl(url: string): string {
  return url
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\|/g, '%7C');
}

function renderSpan(span: Span): string {
  if (span.href)
    return `<${slackUrl(span.href)}|${escapeSlack(span.text).replace(
      /\|/g,
      '¦',
    )}>`;
  const text = escapeSlack(span.text);
  switch (span.style) {
    case 'bold':
      return wrapStyled(text, '*', '*');
    case 'italic':
      return wrapStyled(text, '_', '_');
    case 'code':
      return wrapStyled(text, '`', '`');
    default:
      return text;
  }
}

export function renderSlackLine(line: Line): string {
  return line.map(renderSpan).join('');
}

/** The report as Slack mrkdwn messages, each within {@link SLACK_LIMIT}. */
export function formatSlack(
  report: TaskReport,
  options: { limit?: number; maxParts?: number } = {},
): string[] {
  return formatMessages(report, {
    limit: options.limit ?? SLACK_LIMIT,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
    render: renderSlackLine,
  });
}
