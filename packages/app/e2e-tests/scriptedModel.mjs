// A scripted OpenAI-compatible Chat Completions server on loopback for the end-to-end tests:
// the portal's real `@ai-sdk/openai` provider talks to it over HTTP. Asked a question, it
// first calls the catalog tool for the chat's entity, then answers from the tool's output,
// streamed in several chunks. No network, no model weights.
import http from 'node:http';

const port = Number(process.env.HERMES_SCRIPTED_MODEL_PORT ?? 7008);

function sse(res, deltas, finish) {
  res.setHeader('content-type', 'text/event-stream');
  const chunk = (delta, reason) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-e2e',
      object: 'chat.completion.chunk',
      created: 1764000000,
      model: 'scripted',
      choices: [{ index: 0, delta, finish_reason: reason }],
    })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (const delta of deltas) res.write(chunk(delta, null));
  res.write(chunk({}, finish));
  res.end('data: [DONE]\n\n');
}

function answer(body, res) {
  const messages = body.messages ?? [];
  const last = messages.at(-1);
  if (!body.stream) {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        id: 'chatcmpl-e2e',
        object: 'chat.completion',
        created: 1764000000,
        model: 'scripted',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: '- Earlier turns.' },
            finish_reason: 'stop',
          },
        ],
      }),
    );
    return;
  }
  if (last?.role === 'tool') {
    const owner = /"owner": "([^"]+)"/.exec(last.content)?.[1] ?? 'unknown';
    const ref = /"ref": "([^"]+)"/.exec(last.content)?.[1] ?? 'this entity';
    const words = `**${ref}** is owned by \`${owner}\`, according to the catalog.`;
    sse(
      res,
      words.split(/(?<= )/).map(content => ({ content })),
      'stop',
    );
    return;
  }
  const system = messages.find(m => m.role === 'system')?.content ?? '';
  const entityRef = /This conversation is about ([^\s]+)\./.exec(system)?.[1];
  if (!entityRef) {
    sse(
      res,
      [{ content: 'Open an entity’s Agent tab to ask about it.' }],
      'stop',
    );
    return;
  }
  sse(
    res,
    [
      {
        tool_calls: [
          {
            index: 0,
            id: `call_${Date.now()}`,
            type: 'function',
            function: {
              name: 'catalog_get_entity',
              arguments: JSON.stringify({ entityRef }),
            },
          },
        ],
      },
    ],
    'tool_calls',
  );
}

http
  .createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.statusCode = req.url === '/health' ? 200 : 404;
        res.end();
        return;
      }
      answer(raw ? JSON.parse(raw) : {}, res);
    });
  })
  .listen(port, '127.0.0.1');
