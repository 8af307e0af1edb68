import { Classification } from '../drift/types';

/** What a task runs: a free-text prompt for the agent, or one of the configured drift audits. */
export type TaskKind = 'agent' | 'drift-audit';
export const TASK_KINDS: TaskKind[] = ['agent', 'drift-audit'];

/** What happens to a due time missed while no backend was running. */
export type MissedRunPolicy = 'run-once' | 'skip';

/** Where a task came from: created through the API (UI, CLI) or declared in `hermes.tasks`. */
export type TaskSource = 'api' | 'config';

/** A run's own state; its deliveries have theirs. */
export type TaskRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/** Why a run started. `catch-up` is a due time missed while the backend was down. */
export type TaskRunTrigger = 'schedule' | 'manual' | 'catch-up';

/** One (run, channel) in the outbox. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'dead';

export type DeliveryChannelType =
  | 'slack'
  | 'discord'
  | 'telegram'
  | 'signal'
  | 'webhook'
  | 'notifications';

/** A schedule as people wrote it, and what Hermes understood. */
export interface TaskSchedule {
  /** As written: a cron expression, "every 6h", "weekdays at 8am", ... */
  text: string;
  /** The five-field cron expression it runs on. */
  cron: string;
  /** The schedule in words, e.g. "On the hour, every 6 hours". */
  description: string;
  /** IANA time zone the schedule is read in. */
  timezone: string;
  /** The next three run times (ISO 8601, UTC). Empty when the task is disabled. */
  next: string[];
}

/** A task as the API returns it. */
export interface TaskRecord {
  id: string;
  name: string;
  /** Entity ref of the user who owns it (or `config` for tasks declared in config). */
  owner: string;
  source: TaskSource;
  kind: TaskKind;
  prompt?: string;
  /** For `drift-audit`: the configured audit's name. */
  audit?: string;
  /** Optional scope: the entity the task is about. */
  entityRef?: string;
  /** `provider/model`; when absent the purpose default (`chat` or `audit`) is used. */
  model?: string;
  schedule: TaskSchedule;
  deliver: string[];
  enabled: boolean;
  missedRuns: MissedRunPolicy;
  createdAt: string;
  updatedAt: string;
  lastRun?: TaskRunRecord;
}

/** How a report left through one channel. */
export interface DeliveryRecord {
  id: string;
  runId: string;
  channel: string;
  type?: DeliveryChannelType;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  /** When a failed delivery is tried again. */
  nextAttemptAt?: string;
  sentAt?: string;
  /** The platform's id of the message, when it returns one. */
  messageId?: string;
}

/** One run of a task: its own status, its report, and its deliveries (shown apart). */
export interface TaskRunRecord {
  id: string;
  taskId: string;
  trigger: TaskRunTrigger;
  status: TaskRunStatus;
  /** Why a run was skipped or failed, in words. */
  reason?: string;
  /** The scheduled time this run is for (scheduled and catch-up runs). */
  dueAt?: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  model?: string;
  tokens?: { input: number; output: number };
  report?: TaskReport;
  /** The drift audit run a `drift-audit` task produced. */
  auditId?: string;
  /** The agent session a run of an `agent` task wrote (held calls wait there). */
  sessionId?: string;
  deliveries: DeliveryRecord[];
}

/** `POST /tasks`; `PATCH /tasks/:id` takes any subset. */
export interface TaskInput {
  name: string;
  kind: TaskKind;
  schedule: string;
  prompt?: string;
  audit?: string;
  entityRef?: string;
  model?: string;
  deliver: string[];
  enabled?: boolean;
  timezone?: string;
  missedRuns?: MissedRunPolicy;
}

/** A configured delivery channel, without its settings. */
export interface DeliveryChannelInfo {
  name: string;
  type: DeliveryChannelType;
  /** Whether the last check reached it; undefined when it cannot be checked without sending. */
  reachable?: boolean;
  detail?: string;
}

/** One finding as a report shows it. */
export interface ReportFinding {
  classification: Classification;
  /** "Deployment api: 2 fields differ from Git" */
  headline: string;
  /** Per-field lines, Secret values withheld. */
  changes: string[];
  /** Fields not listed in `changes`. */
  moreChanges: number;
  /** Who last wrote it: manager, class, user, time. */
  attribution?: string;
  skill?: string;
  reason?: string;
  recommend?: string;
  /** "seen 3× in 14 days · last resolved: reverted by user:default/ana" */
  history?: string;
}

/**
 * One report model for every channel: each platform formats it its own way (Slack mrkdwn,
 * Discord Markdown, Telegram HTML, Signal plain text, a webhook's JSON, a notification).
 */
export interface TaskReport {
  /** "Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod" or the task's name. */
  title: string;
  /** One line under the title: counts, scope, model. */
  subtitle?: string;
  status: 'succeeded' | 'failed';
  /** The agent's answer or the audit model's narrative, as Markdown. */
  summary?: string;
  /** Findings grouped by namespace, most severe first. */
  groups: Array<{ name: string; summary: string; findings: ReportFinding[] }>;
  warnings: string[];
  /** Why the run failed. */
  error?: string;
  /** Back to the run in the portal. */
  link?: string;
}
