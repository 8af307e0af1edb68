import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Line, Span } from './lines';
import { DEFAULT_MAX_PARTS, formatMessages } from './split';

/**
 * Telegram's `sendMessage` takes at most 4,096 characters. It counts after parsing entities;
 * we count the HTML we send, tags and entities included, so every part is accepted.
 */
export const TELEGRAM_LIMIT = 4096;

/** Text for Telegram's HTML parse mode: the three characters its parser reads. */
export function escapeTelegram(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const TAG = { bold: 'b', italic: 'i', code: 'code' } as const;

function renderSpan(span: Span): string {
  const text = escapeTelegram(span.text);
  if (span.href)
    return `<a href="${escapeTelegram(span.href).replace(
      /"/g,
      '&quot;',
    )}">${text}</a>`;
  if (!span.style) return text;
  const tag = TAG[span.style];
  return `<${tag}>${text}</${tag}>`;
}

/** One line; every tag opens and closes within it, so a message never splits a tag. */
export function renderTelegramLine(line: Line): string {
  return line.map(renderSpan).join('');
}

/** The report as Telegram HTML messages of at most 4,096 characters. */
export function formatTelegram(
  report: TaskReport,
  options: { limit?: number; maxParts?: number } = {},
): string[] {
  return formatMessages(report, {
    limit: options.limit ?? TELEGRAM_LIMIT,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
    render: renderTelegramLine,
  });
}
