import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { DISCORD_LIMIT, formatDiscord } from '../delivery/format/discord';
import { formatSignal, SIGNAL_LIMIT } from '../delivery/format/signal';
import { formatSlack, SLACK_LIMIT } from '../delivery/format/slack';
import { formatTelegram, TELEGRAM_LIMIT } from '../delivery/format/telegram';

/*
 * Each chat format with its inverse back to plain text, so tests can prove that what a
 * person reads is exactly the report's text: nothing lost, nothing added, nothing reordered.
 */

function unescapeEntities(text: string) {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Slack: links to their label, our markers (never followed by a zero-width space) dropped. */
function slackPlain(text: string) {
  return unescapeEntities(
    text
      .replace(/<[^|<>]+\|([^<>]*)>/g, '$1')
      .replace(/[*_`~](?!\u200B)/g, '')
      .replace(/\u200B/g, ''),
  ).replace(/¦/g, '|');
}

/** Discord: escaped characters kept, unescaped markers and link syntax dropped. */
function discordPlain(text: string) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') out += text[++i];
    else if (c === ']' && text.startsWith('](<', i))
      i = text.indexOf('>)', i) + 1;
    else if (!'*`['.includes(c)) out += c;
  }
  return out;
}

/** Telegram: tags dropped, entities decoded. */
function telegramPlain(text: string) {
  return unescapeEntities(
    text.replace(/<\/?(b|i|code|a)( href="[^"]*")?>/g, ''),
  );
}

export interface PlatformUnderTest {
  name: string;
  limit: number;
  format(
    report: TaskReport,
    options?: { limit?: number; maxParts?: number },
  ): string[];
  plain(text: string): string;
}

export const PLATFORMS: PlatformUnderTest[] = [
  { name: 'slack', limit: SLACK_LIMIT, format: formatSlack, plain: slackPlain },
  {
    name: 'discord',
    limit: DISCORD_LIMIT,
    format: formatDiscord,
    plain: discordPlain,
  },
  {
    name: 'telegram',
    limit: TELEGRAM_LIMIT,
    format: formatTelegram,
    plain: telegramPlain,
  },
  { name: 'signal', limit: SIGNAL_LIMIT, format: formatSignal, plain: t => t },
];

/** The parts as one plain text: part markers removed, all whitespace dropped. */
export function joinedPlain(platform: PlatformUnderTest, parts: string[]) {
  return parts
    .map(part =>
      platform.plain(
        parts.length > 1 ? part.slice(0, part.lastIndexOf('\n')) : part,
      ),
    )
    .join('')
    .replace(/\s+/g, '');
}
