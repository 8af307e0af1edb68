import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Line } from './lines';
import { DEFAULT_MAX_PARTS, formatMessages } from './split';

/**
 * Signal clients turn a text past 2,000 characters into a "read more" attachment that some
 * clients and signal-cli setups handle badly; parts of 2,000 characters read everywhere.
 */
export const SIGNAL_LIMIT = 2000;

/** Plain text: Signal shows what it gets, so nothing needs escaping. Links stay visible. */
export function renderSignalLine(line: Line): string {
  return line
    .map(span =>
      span.href && span.href !== span.text
        ? `${span.text} (${span.href})`
        : span.text,
    )
    .join('');
}

/** The report as plain-text Signal messages of at most 2,000 characters. */
export function formatSignal(
  report: TaskReport,
  options: { limit?: number; maxParts?: number } = {},
): string[] {
  return formatMessages(report, {
    limit: options.limit ?? SIGNAL_LIMIT,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
    render: renderSignalLine,
  });
}
