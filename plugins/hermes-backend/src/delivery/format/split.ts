import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Line, reportLines, Span } from './lines';

/** How one platform writes lines, and how long one message may be. */
export interface MessageFormat {
  /** Longest message, in UTF-16 code units (what JavaScript's `length` counts). */
  limit: number;
  /**
   * Messages per report before the rest is cut with a note and the link. A long report in
   * many messages floods a channel and meets the platform's rate limit halfway through.
   */
  maxParts: number;
  /** One line, every span escaped for the platform. */
  render(line: Line): string;
}

export const DEFAULT_MAX_PARTS = 10;

/** Adjacent spans of the same style become one, so `<b>a</b><b>b</b>` is `<b>ab</b>`. */
export function mergeSpans(line: Line): Line {
  const out: Span[] = [];
  for (const span of line) {
    if (!span.text) continue;
    const prev = out[out.length - 1];
    if (prev && prev.style === span.style && prev.href === span.href)
      out[out.length - 1] = { ...prev, text: prev.text + span.text };
    else out.push(span);
  }
  return out;
}

/**
 * Wraps styled text in the platform's markers with surrounding whitespace kept outside,
 * because most chat markups ignore `* bold *` (a marker next to a space).
 */
export function wrapStyled(text: string, open: string, close: string) {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return m[2] ? `${m[1]}${open}${m[2]}${close}${m[3]}` : text;
}

/** The longest prefix of `text` (whole code points) whose rendering fits `budget`. */
function fittingPrefix(
  span: Span,
  points: string[],
  render: (line: Line) => string,
  budget: number,
): number {
  let lo = 1;
  let hi = points.length;
  let best = 1; // one code point always goes, so a chunk is never empty
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (
      render([{ ...span, text: points.slice(0, mid).join('') }]).length <=
      budget
    ) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * A line too long for one message as several rendered lines: broken between words where it
 * can, inside a word when one word alone is too long. Escapes and tags are produced per
 * piece, so none is ever cut in half.
 */
export function breakLine(
  line: Line,
  render: (line: Line) => string,
  budget: number,
): string[] {
  const out: string[] = [];
  let piece: Line = [];
  const flush = () => {
    if (piece.length) out.push(render(mergeSpans(piece)));
    piece = [];
  };
  for (const span of line)
    for (const word of span.text.match(/\S+\s*|\s+/g) ?? []) {
      const token = { ...span, text: word };
      if (render(mergeSpans([...piece, token])).length <= budget) {
        piece.push(token);
        continue;
      }
      flush();
      let points = Array.from(word);
      while (render([{ ...token, text: points.join('') }]).length > budget) {
        const n = fittingPrefix(token, points, render, budget);
        out.push(render([{ ...token, text: points.slice(0, n).join('') }]));
        points = points.slice(n);
      }
      if (points.length) piece = [{ ...token, text: points.join('') }];
    }
  flush();
  return out;
}

function partMarker(i: number, n: number): Line {
  return [{ text: `(part ${i} of ${n})`, style: 'italic' }];
}

function truncationNote(hidden: number): Line {
  return [
    {
      text: `… ${hidden} more line${
        hidden === 1 ? '' : 's'
      } not shown (message limit); the full report is in Backstage.`,
      style: 'italic',
    },
  ];
}

/** Lines into messages of at most `budget` characters, blank lines dropped at the seams. */
function pack(rendered: string[], budget: number): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const text of rendered) {
    const extra = (current.length ? 1 : 0) + text.length;
    if (current.length && length + extra > budget) {
      parts.push(current);
      current = [];
      length = 0;
    }
    if (!current.length && !text) continue;
    length += (current.length ? 1 : 0) + text.length;
    current.push(text);
  }
  if (current.length) parts.push(current);
  return parts.map(part => {
    while (part.length && !part[part.length - 1]) part.pop();
    return part;
  });
}

/**
 * The report as one or more messages for a platform, each within its limit. Lines are kept
 * whole where they fit; a report longer than `maxParts` messages is cut at the end with a
 * note saying how much was left out, followed by the link to the full report.
 */
export function formatMessages(
  report: TaskReport,
  format: MessageFormat,
): string[] {
  const render = (line: Line) => format.render(mergeSpans(line));
  const { body, link } = reportLines(report);
  // Room for "(part 10 of 10)" on its own line, so adding it never overflows a part.
  const reserve = render(partMarker(99, 99)).length + 1;
  const budget = format.limit - reserve;
  const expand = (lines: Line[]) =>
    lines.flatMap(line => {
      const text = render(line);
      return text.length <= budget ? [text] : breakLine(line, render, budget);
    });
  const bodyRendered = expand(body);
  let parts = pack([...bodyRendered, ...expand(link)], budget);
  if (parts.length > format.maxParts) {
    parts = parts.slice(0, format.maxParts);
    const last = parts[parts.length - 1];
    const lines = (texts: string[]) => texts.filter(Boolean).length;
    const shown = () => parts.reduce((n, part) => n + lines(part), 0);
    const tail = (hidden: number) => [
      '',
      ...expand([truncationNote(hidden)]),
      ...expand(link),
    ];
    const fits = () =>
      [...last, ...tail(bodyRendered.length)].join('\n').length <= budget;
    while (last.length && !fits()) last.pop();
    last.push(...tail(Math.max(1, lines(bodyRendered) - shown())));
  }
  if (parts.length === 1) return [parts[0].join('\n')];
  return parts.map((part, i) =>
    [...part, render(partMarker(i + 1, parts.length))].join('\n'),
  );
}
