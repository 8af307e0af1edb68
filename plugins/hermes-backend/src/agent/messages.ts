import {
  AgentNotice,
  findSecrets,
  redactSecrets,
} from '@hermes-backstage/plugin-hermes-common';
import { getToolName, isToolUIPart, UIMessage } from 'ai';

/** The words of a message, without tool calls. */
export const textOf = (message: UIMessage) =>
  message.parts
    .map(p => (p.type === 'text' ? p.text : ''))
    .join(' ')
    .trim();

/** A conversation's title: its first message, shortened. */
export function titleOf(message: UIMessage): string {
  const text = textOf(message);
  return text.length > 80
    ? `${text.slice(0, 77)}...`
    : text || 'New conversation';
}

/** The skills an answer loaded with `skill_view`. */
export function skillsLoaded(message: UIMessage | undefined): string[] {
  const names = new Set<string>();
  for (const part of message?.parts ?? []) {
    if (
      isToolUIPart(part) &&
      getToolName(part) === 'skill_view' &&
      part.state === 'output-available'
    ) {
      const name = (part.input as { name?: string } | undefined)?.name;
      if (name) names.add(name);
    }
  }
  return [...names];
}

/**
 * A message with every credential in it masked (`[redacted GitHub token]`), in its text and
 * in any other text it carries, and the kinds of credential that were found, in order.
 */
export function maskCredentials(message: UIMessage): {
  message: UIMessage;
  withheld: string[];
} {
  const withheld: string[] = [];
  const mask = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (key === 'type') return value;
      const found = findSecrets(value);
      if (found.length === 0) return value;
      withheld.push(...found.map(f => f.kind));
      return redactSecrets(value);
    }
    if (Array.isArray(value)) return value.map(item => mask(item));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, mask(v, k)]),
      );
    return value;
  };
  const masked = {
    ...message,
    parts: mask(message.parts) as UIMessage['parts'],
    ...(message.metadata === undefined
      ? {}
      : { metadata: mask(message.metadata) }),
  };
  return { message: masked, withheld };
}

const article = (kind: string) => (/^[aeiou]/i.test(kind) ? 'an' : 'a');

/** What the answer says first when credentials were masked in the user's message. */
export function withheldNotice(withheld: string[]): AgentNotice {
  const kinds = [...new Set(withheld)].map(k => `${article(k)} ${k}`);
  const list =
    kinds.length === 1
      ? kinds[0]
      : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
  const them = withheld.length === 1 ? 'it' : 'them';
  return {
    kind: 'credentials-withheld',
    text:
      `Credentials withheld: your message held ${list}. Hermes masked ${them} before ` +
      `storing the conversation or sending it to the model. If ${
        withheld.length === 1 ? 'it is' : 'they are'
      } real, treat ${them} as exposed and rotate ${them}.`,
  };
}
