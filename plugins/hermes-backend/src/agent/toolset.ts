import { fence, isFenced } from '@hermes-backstage/plugin-hermes-common';
import {
  ModelMessage,
  Schema,
  tool,
  ToolApprovalStatus,
  ToolSet,
  zodSchema,
} from 'ai';
import type { z } from 'zod';
import { ApprovalsService, callHash } from '../governance/ApprovalsService';
import { HermesTool, ToolContext } from './tools/types';

/** One tool call as the trace records it. */
export interface ToolRun {
  tool: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const MAX_OUTPUT_CHARS = 12_000;

// A tool's JSON schema is derived once, not on every turn (the SDK memoises per schema object).
const schemas = new WeakMap<z.ZodType, Schema>();
function inputSchema(input: z.ZodType): Schema {
  let schema = schemas.get(input);
  if (!schema) {
    schema = zodSchema(input);
    schemas.set(input, schema);
  }
  return schema;
}

/**
 * Tool output as the model sees it: fenced and labelled as data, so text inside a finding,
 * an entity description or a skill cannot pass itself off as instructions, nor close the block.
 */
export function quoteToolOutput(name: string, output: unknown): string {
  let text = JSON.stringify(output ?? null, null, 1);
  if (text.length > MAX_OUTPUT_CHARS)
    text = `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (truncated; ask for less)`;
  return fence('tool-data', text, { tool: name });
}

/**
 * The messages for the model with every failed or denied tool call's text fenced as that
 * tool's data, as its output is: an error can quote what the call was given or read, and a
 * denial the reason a person typed. Results already fenced stay as they are, so this can run
 * before each step on everything sent so far.
 */
export function fenceToolResults(messages: ModelMessage[]): ModelMessage[] {
  return messages.map(message => {
    if (message.role !== 'tool') return message;
    let changed = false;
    const content = message.content.map(part => {
      if (part.type !== 'tool-result') return part;
      const { output, toolName } = part;
      const quote = (text: string, label: 'error' | 'denied') =>
        fence('tool-data', text, { tool: toolName, [label]: 'true' });
      let fenced: typeof output;
      if (output.type === 'error-text') {
        if (isFenced(output.value, 'tool-data')) return part;
        fenced = { ...output, value: quote(output.value, 'error') };
      } else if (output.type === 'error-json') {
        fenced = {
          type: 'error-text',
          value: quote(JSON.stringify(output.value), 'error'),
        };
      } else if (output.type === 'execution-denied') {
        if (output.reason && isFenced(output.reason, 'tool-data')) return part;
        fenced = {
          ...output,
          reason: quote(output.reason ?? 'The call was denied.', 'denied'),
        };
      } else {
        // Outputs are quoted by the tool's toModelOutput.
        return part;
      }
      changed = true;
      return { ...part, output: fenced };
    });
    return changed ? { ...message, content } : message;
  });
}

/**
 * A failed call as the model and the person read it: the error's message, without its class
 * name (the ai SDK shows an error as `String(error)`).
 */
class ToolFailure extends Error {
  override toString() {
    return this.message;
  }
}

/**
 * The agent's tools for one run, as an `ai` ToolSet, plus the approval function for
 * `streamText`. Read-only tools run; changing tools pass the rules: allowed, denied, or held
 * until an allowed user approves that exact call (checked again right before it runs).
 */
export function buildToolSet(
  tools: HermesTool[],
  context: ToolContext,
  options: {
    approvals: Pick<
      ApprovalsService,
      'check' | 'findByToolCall' | 'markExecuted'
    >;
    onToolRun(run: ToolRun): void;
  },
) {
  const { approvals, onToolRun } = options;
  const byName = new Map(tools.map(t => [t.name, t]));
  // Asked before a call (approval) and again as it runs; a tool that must look it up (an
  // action's attributes) does so once per call.
  const known = new Map<string, Promise<boolean>>();
  const changes = (t: HermesTool, input: unknown): Promise<boolean> => {
    if (typeof t.changes === 'boolean') return Promise.resolve(t.changes);
    const key = callHash(t.name, input);
    let answer = known.get(key);
    if (!answer) {
      answer = t.changes(input, context);
      known.set(key, answer);
    }
    return answer;
  };
  const decide = (t: HermesTool, input: unknown) =>
    approvals.check(t.name, t.target?.(input) ?? {});

  const toolSet: ToolSet = {};
  for (const t of tools) {
    toolSet[t.name] = tool({
      description: t.description,
      inputSchema: inputSchema(t.input),
      toModelOutput: ({ output }) => ({
        type: 'text',
        value: quoteToolOutput(t.name, output),
      }),
      execute: async (input: unknown, { toolCallId }) => {
        const started = Date.now();
        try {
          if (await changes(t, input)) {
            const decision = decide(t, input);
            if (decision.effect === 'deny')
              throw new Error(`Denied by ${decision.reason}`);
            if (decision.effect === 'require-approval') {
              const held = await approvals.findByToolCall(
                context.sessionId,
                toolCallId,
              );
              const exact = held && held.callHash === callHash(t.name, input);
              if (!exact || !(await approvals.markExecuted(held.id))) {
                throw new Error(
                  `${t.name} needs approval, and this exact call was not approved`,
                );
              }
            }
          }
          const output = await t.execute(input, context);
          onToolRun({ tool: t.name, ok: true, ms: Date.now() - started });
          return output;
        } catch (error) {
          const message = (error as Error).message ?? String(error);
          onToolRun({
            tool: t.name,
            ok: false,
            ms: Date.now() - started,
            error: message,
          });
          throw new ToolFailure(message);
        }
      },
    });
  }

  const toolApproval = async ({
    toolCall,
  }: {
    toolCall: { toolName: string; toolCallId: string; input: unknown };
  }): Promise<ToolApprovalStatus> => {
    const t = byName.get(toolCall.toolName);
    if (!t || !(await changes(t, toolCall.input))) return 'not-applicable';
    const decision = decide(t, toolCall.input);
    if (decision.effect === 'allow') return 'not-applicable';
    if (decision.effect === 'deny')
      return { type: 'denied', reason: decision.reason };
    const held = await approvals.findByToolCall(
      context.sessionId,
      toolCall.toolCallId,
    );
    if (held && held.status !== 'pending' && held.status !== 'approved')
      return { type: 'denied', reason: `the held call was ${held.status}` };
    return { type: 'user-approval', reason: decision.reason };
  };

  return {
    toolSet,
    toolApproval,
    decide: (name: string, input: unknown) => {
      const t = byName.get(name);
      return t ? decide(t, input) : undefined;
    },
  };
}
