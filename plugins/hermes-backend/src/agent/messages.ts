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
