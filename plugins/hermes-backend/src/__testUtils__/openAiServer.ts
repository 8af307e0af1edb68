import http from 'node:http';
import { AddressInfo } from 'node:net';

/** What the scripted server does for one chat completion request. */
export type ScriptedReply =
  | { content: string }
  /** Streamed as Server-Sent Events, one chunk per entry, when the request asks to stream. */
  | { chunks: string[] }
  /** Streamed tool calls (the model asks Hermes to run tools), arguments as JSON. */
  | { toolCalls: Array<{ name: string; arguments: object }> }
  | { status: number; error: string }
  | { hang: true };

/**
 * An OpenAI-compatible Chat Completions endpoint on loopback that answers from a script, so
 * tests drive the real `@ai-sdk/openai` provider over HTTP without any network.
 */
export async function startOpenAiServer(script: ScriptedReply[]) {
  const requests: Array<{ path: string; authorization?: string; body: any }> =
    [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: raw ? JSON.parse(raw) : undefined,
      });
      // One Server-Sent Event of a streamed completion.
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion.chunk',
          created: 1764000000,
          model: 'scripted',
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      const reply = script.shift() ?? {
        status: 500,
        error: 'script exhausted',
      };
      if ('hang' in reply) return; // never answers: the caller's timeout must fire
      if ('chunks' in reply) {
        res.setHeader('content-type', 'text/event-stream');
        res.write(chunk({ role: 'assistant', content: '' }, null));
        for (const text of reply.chunks)
          res.write(chunk({ content: text }, null));
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
        return;
      }
      if ('toolCalls' in reply) {
        res.setHeader('content-type', 'text/event-stream');
        res.write(chunk({ role: 'assistant', content: null }, null));
        reply.toolCalls.forEach((call, index) =>
          res.write(
            chunk(
              {
                tool_calls: [
                  {
                    index,
                    id: `call_${requests.length}_${index}`,
                    type: 'function',
                    function: {
                      name: call.name,
                      arguments: JSON.stringify(call.arguments),
                    },
                  },
                ],
              },
              null,
            ),
          ),
        );
        res.write(chunk({}, 'tool_calls'));
        res.end('data: [DONE]\n\n');
        return;
      }
      res.setHeader('content-type', 'application/json');
      if ('status' in reply) {
        res.statusCode = reply.status;
        res.end(
          JSON.stringify({
            error: { message: reply.error, type: 'server_error' },
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 1764000000,
          model: requests[requests.length - 1].body?.model ?? 'scripted',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.content },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: 100,
            completion_tokens: 20,
            total_tokens: 120,
          },
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
