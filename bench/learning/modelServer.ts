// The audit model: an OpenAI-compatible Chat Completions endpoint on loopback that the real
// `@ai-sdk/openai` provider talks to. It answers the triage prompt with a suggestion per
// finding from a plain heuristic (a person's write looks critical, a controller's harmless,
// anything else unknown) and the narrative prompt with one sentence. Like a real server it
// reports the tokens it read and wrote; here estimateTokens of the messages and the answer.
import { estimateTokens } from '@hermes-backstage/plugin-hermes-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';

interface Request {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
    ? content.map(p => (typeof p?.text === 'string' ? p.text : '')).join('')
    : '';

/** The findings the triage prompt carried, inside its first context-data block. */
function findingsIn(prompt: string): any[] {
  const block = /Findings:\n<context-data>\n([\s\S]*?)\n<\/context-data>/.exec(
    prompt,
  );
  if (!block) throw new Error('triage prompt without a findings block');
  return JSON.parse(block[1]);
}

function suggest(finding: any) {
  const classes = new Set<string>(
    [
      finding.lastWrite?.class,
      ...(finding.changes ?? []).map(
        (c: any) => /\((\w+)\)$/.exec(c.writer ?? '')?.[1],
      ),
    ].filter(Boolean),
  );
  if (classes.has('human'))
    return ['critical', 'a person changed it outside Git'];
  if (classes.size && [...classes].every(c => c === 'controller'))
    return ['harmless', 'a controller reconciles this field'];
  return ['unknown', 'no writer is known'];
}

function answer(body: Request): string {
  const system = textOf(body.messages?.find(m => m.role === 'system')?.content);
  const user = textOf(body.messages?.find(m => m.role === 'user')?.content);
  if (!system.includes('suggest a classification'))
    return 'Routine controller drift dominates; look at the findings people wrote by hand first.';
  return JSON.stringify({
    suggestions: findingsIn(user).map(f => {
      const [classification, reason] = suggest(f);
      return { id: f.id, classification, reason, confidence: 0.6 };
    }),
  });
}

export async function startModelServer() {
  const stats = { requests: 0, triage: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      stats.requests++;
      let content: string;
      let body: Request;
      try {
        if (!req.url?.endsWith('/chat/completions'))
          throw new Error(`no such endpoint: ${req.url}`);
        body = JSON.parse(raw);
        content = answer(body);
      } catch (error) {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { message: String(error) } }));
        return;
      }
      if (content.startsWith('{')) stats.triage++;
      const prompt = estimateTokens(
        (body.messages ?? []).map(m => textOf(m.content)).join('\n'),
      );
      const completion = estimateTokens(content);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: `chatcmpl-${stats.requests}`,
          object: 'chat.completion',
          created: 1764000000,
          model: body.model ?? 'bench',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
          },
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    stats,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
