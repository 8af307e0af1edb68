import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ModelApi } from '../models/ModelRegistry';

/** What the scripted server does for one model request, whichever API it came through. */
export type ScriptedReply =
  | { content: string }
  /** Streamed as Server-Sent Events, one chunk per entry, when the request asks to stream. */
  | { chunks: string[] }
  /** Streamed tool calls (the model asks Hermes to run tools), arguments as JSON. */
  | { toolCalls: Array<{ name: string; arguments: object }> }
  | { status: number; error: string }
  | { hang: true };

/** A message as Chat Completions sends it; requests to the Responses API are read into it. */
export interface SentMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: Array<{ id: string; name: string; arguments: string }>;
  tool_call_id?: string;
}

export interface RecordedRequest {
  path: string;
  /** Which API the request used, from its path. */
  api: ModelApi | 'other';
  authorization?: string;
  /** The request body exactly as sent. */
  body: any;
  /** The conversation sent, in one shape for both APIs. */
  messages: SentMessage[];
  /** Names of the tools offered. */
  tools: string[];
  stream: boolean;
}

/** Text of a content field: a string, or the text parts of a list. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map(part => (typeof part?.text === 'string' ? part.text : ''))
      .join('');
  return '';
}

/** The Responses API's `instructions` and `input` items as Chat Completions messages. */
function fromResponsesInput(body: any): SentMessage[] {
  const messages: SentMessage[] = body.instructions
    ? [{ role: 'system', content: body.instructions }]
    : [];
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  for (const item of input ?? []) {
    const last = messages.at(-1);
    if (typeof item === 'string') {
      messages.push({ role: 'user', content: item });
    } else if (item.type === 'function_call') {
      const call = {
        id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      };
      // A call follows its step's text, as one assistant message does in Chat Completions.
      if (last?.role === 'assistant') {
        last.tool_calls = [...(last.tool_calls ?? []), call];
      } else {
        messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      }
    } else if (item.type === 'function_call_output') {
      messages.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content: textOf(item.output),
      });
    } else if (item.role) {
      messages.push({
        role: item.role === 'developer' ? 'system' : item.role,
        content: textOf(item.content),
      });
    } else {
      // Hermes sends whole conversations: an item reference would point at OpenAI's storage.
      throw new Error(`unexpected input item ${JSON.stringify(item)}`);
    }
  }
  return messages;
}

function fromChatMessages(body: any): SentMessage[] {
  return (body.messages ?? []).map((m: any) => ({
    role: m.role,
    content: m.content === null ? null : textOf(m.content),
    ...(m.tool_calls
      ? {
          tool_calls: m.tool_calls.map((c: any) => ({
            id: c.id,
            name: c.function.name,
            arguments: c.function.arguments,
          })),
        }
      : {}),
    ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
  }));
}

function record(
  path: string,
  authorization: string | undefined,
  body: any,
): RecordedRequest {
  let api: RecordedRequest['api'] = 'other';
  if (path.endsWith('/chat/completions')) api = 'chat';
  else if (path.endsWith('/responses')) api = 'responses';
  return {
    path,
    api,
    authorization,
    body,
    messages:
      api === 'responses' ? fromResponsesInput(body) : fromChatMessages(body),
    tools: (body?.tools ?? []).map((t: any) => t.function?.name ?? t.name),
    stream: body?.stream === true,
  };
}

const CREATED = 1764000000;
/** What every answer reports it used, per call. */
const USAGE = { input: 100, output: 20 };

type Answer = Exclude<ScriptedReply, { hang: true } | { status: number }>;
interface ReplyContext {
  /** The request's number, for ids. */
  n: number;
  model: string;
}

function errorReply(res: http.ServerResponse, status: number, message: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: { message, type: 'server_error' } }));
}

/** Chat Completions: `chat.completion.chunk` events ending in `[DONE]`, or one JSON body. */
function chatCompletionsReply(
  res: http.ServerResponse,
  reply: Answer,
  { n, model }: ReplyContext,
) {
  const usage = {
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
  };
  const chunk = (fields: object) =>
    `data: ${JSON.stringify({
      id: `chatcmpl-${n}`,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      ...fields,
    })}\n\n`;
  const delta = (d: object, finish: string | null) =>
    chunk({ choices: [{ index: 0, delta: d, finish_reason: finish }] });
  if ('content' in reply) {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: CREATED,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.content },
            finish_reason: 'stop',
          },
        ],
        usage,
      }),
    );
    return;
  }
  res.setHeader('content-type', 'text/event-stream');
  if ('chunks' in reply) {
    res.write(delta({ role: 'assistant', content: '' }, null));
    for (const text of reply.chunks) res.write(delta({ content: text }, null));
    res.write(delta({}, 'stop'));
  } else {
    res.write(delta({ role: 'assistant', content: null }, null));
    reply.toolCalls.forEach((call, index) =>
      res.write(
        delta(
          {
            tool_calls: [
              {
                index,
                id: `call_${n}_${index}`,
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
    res.write(delta({}, 'tool_calls'));
  }
  // Asked for with `stream_options.include_usage`: a last chunk without choices.
  res.write(chunk({ choices: [], usage }));
  res.end('data: [DONE]\n\n');
}

/**
 * The Responses API: the typed events OpenAI streams (`response.created`, output items with
 * their text or argument deltas, `response.completed` with usage), or one JSON response.
 */
function responsesReply(
  res: http.ServerResponse,
  reply: Answer,
  { n, model }: ReplyContext,
) {
  const message = (text: string) => ({
    id: `msg_${n}`,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  });
  const response = (status: string, output: object[]) => ({
    id: `resp_${n}`,
    object: 'response',
    created_at: CREATED,
    status,
    model,
    output,
    incomplete_details: null,
    usage:
      status === 'completed'
        ? {
            input_tokens: USAGE.input,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: USAGE.output,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: USAGE.input + USAGE.output,
          }
        : null,
  });
  if ('content' in reply) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(response('completed', [message(reply.content)])));
    return;
  }
  res.setHeader('content-type', 'text/event-stream');
  let sequence = 0;
  const event = (type: string, fields: object) =>
    res.write(
      `event: ${type}\ndata: ${JSON.stringify({
        type,
        sequence_number: sequence++,
        ...fields,
      })}\n\n`,
    );
  event('response.created', { response: response('in_progress', []) });
  event('response.in_progress', { response: response('in_progress', []) });
  const output: object[] = [];
  if ('chunks' in reply) {
    const item = message(reply.chunks.join(''));
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    const part = (text: string) => ({
      type: 'output_text',
      text,
      annotations: [],
    });
    event('response.output_item.added', {
      output_index: 0,
      item: { ...item, status: 'in_progress', content: [] },
    });
    event('response.content_part.added', { ...at, part: part('') });
    for (const delta of reply.chunks)
      event('response.output_text.delta', { ...at, delta, logprobs: [] });
    const text = reply.chunks.join('');
    event('response.output_text.done', { ...at, text, logprobs: [] });
    event('response.content_part.done', { ...at, part: part(text) });
    event('response.output_item.done', { output_index: 0, item });
    output.push(item);
  } else {
    reply.toolCalls.forEach((call, index) => {
      const args = JSON.stringify(call.arguments);
      const item = {
        id: `fc_${n}_${index}`,
        type: 'function_call',
        status: 'completed',
        arguments: args,
        call_id: `call_${n}_${index}`,
        name: call.name,
      };
      const at = { item_id: item.id, output_index: index };
      event('response.output_item.added', {
        output_index: index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      // The arguments arrive in pieces, as a model writes them.
      const half = Math.ceil(args.length / 2);
      for (const delta of [args.slice(0, half), args.slice(half)])
        event('response.function_call_arguments.delta', { ...at, delta });
      event('response.function_call_arguments.done', {
        ...at,
        arguments: args,
      });
      event('response.output_item.done', { output_index: index, item });
      output.push(item);
    });
  }
  event('response.completed', { response: response('completed', output) });
  res.end();
}

/**
 * An OpenAI-compatible endpoint on loopback that answers from a script, through Chat
 * Completions (`POST /v1/chat/completions`) or the Responses API (`POST /v1/responses`), so
 * tests drive the real `@ai-sdk/openai` provider over HTTP without any network.
 */
export async function startOpenAiServer(script: ScriptedReply[]) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      let sent: RecordedRequest;
      try {
        sent = record(
          req.url ?? '',
          req.headers.authorization,
          raw ? JSON.parse(raw) : undefined,
        );
      } catch (error) {
        errorReply(res, 400, String(error));
        return;
      }
      requests.push(sent);
      const reply = script.shift() ?? {
        status: 500,
        error: 'script exhausted',
      };
      if ('hang' in reply) return; // never answers: the caller's timeout must fire
      if ('status' in reply) {
        errorReply(res, reply.status, reply.error);
        return;
      }
      const context = {
        n: requests.length,
        model: sent.body?.model ?? 'scripted',
      };
      if (sent.api === 'chat') chatCompletionsReply(res, reply, context);
      else if (sent.api === 'responses') responsesReply(res, reply, context);
      else errorReply(res, 404, `no such endpoint: ${sent.path}`);
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
