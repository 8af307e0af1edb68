import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { z } from 'zod';
import { CallTarget } from '../../governance/ApprovalsService';

/** Who is asking and about what, for every tool call of one agent run. */
export interface ToolContext {
  /** The user's own; in a scheduled task's run, the plugin's (see agent/unattended.ts). */
  credentials: BackstageCredentials;
  /** The user, or the task's owner. */
  userRef: string;
  entityRef?: string;
  sessionId: string;
  traceId: string;
}

/** A tool the agent can call. Inputs are typed with zod; the model sees the schema. */
export interface HermesTool<I = any> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  /**
   * Whether a call changes anything (in a cluster, the catalog, or Hermes' own memory and
   * skills). Changing calls pass `hermes.approvals.rules`; read-only calls always run.
   */
  changes: boolean | ((input: I, context: ToolContext) => Promise<boolean>);
  /** The cluster, namespace and kind a call is about, for rules that name them. */
  target?: (input: I) => CallTarget;
  execute(input: I, context: ToolContext): Promise<unknown>;
}

/** Identity function that keeps the input type of a tool definition. */
export function defineTool<I>(tool: HermesTool<I>): HermesTool<I> {
  return tool;
}
