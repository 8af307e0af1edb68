/**
 * Whether an answer says or did anything: text, reasoning, a tool call, a file or a source.
 * Step markers and data parts (notices) alone are not an answer: the server does not store
 * one, and the chat shows no bubble (nor thumbs) for one.
 * @public
 */
export function answerHasContent(message: {
  parts: ReadonlyArray<{ type: string; text?: string }>;
}): boolean {
  return message.parts.some(part => {
    if (part.type === 'text' || part.type === 'reasoning')
      return (part.text ?? '').trim() !== '';
    return part.type !== 'step-start' && !part.type.startsWith('data-');
  });
}
