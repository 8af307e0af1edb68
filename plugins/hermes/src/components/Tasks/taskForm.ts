import {
  MissedRunPolicy,
  TaskInput,
  TaskKind,
  TaskRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { browserTimezone } from './format';

/** The task dialog's fields, as typed. */
export interface TaskForm {
  name: string;
  kind: TaskKind;
  prompt: string;
  audit: string;
  schedule: string;
  timezone: string;
  entityRef: string;
  model: string;
  deliver: string[];
  enabled: boolean;
  missedRuns: MissedRunPolicy;
}

/** A new task's fields (with any prefill, e.g. the entity it is about), or a task's. */
export function formFor(
  task?: TaskRecord,
  prefill: Partial<TaskInput> = {},
): TaskForm {
  return {
    name: task?.name ?? prefill.name ?? '',
    kind: task?.kind ?? prefill.kind ?? 'drift-audit',
    prompt: task?.prompt ?? prefill.prompt ?? '',
    audit: task?.audit ?? prefill.audit ?? '',
    schedule: task?.schedule.text ?? prefill.schedule ?? '',
    timezone: task?.schedule.timezone ?? prefill.timezone ?? browserTimezone(),
    entityRef: task?.entityRef ?? prefill.entityRef ?? '',
    model: task?.model ?? prefill.model ?? '',
    deliver: task?.deliver ?? prefill.deliver ?? [],
    enabled: task?.enabled ?? prefill.enabled ?? true,
    missedRuns: task?.missedRuns ?? prefill.missedRuns ?? 'run-once',
  };
}

/** `POST /tasks` body: what was filled in, the field the other kind uses left out. */
export function createBody(form: TaskForm): TaskInput {
  const optional = (value: string) => value.trim() || undefined;
  return {
    name: form.name.trim(),
    kind: form.kind,
    schedule: form.schedule.trim(),
    ...(form.kind === 'agent'
      ? { prompt: optional(form.prompt) }
      : { audit: optional(form.audit) }),
    entityRef: optional(form.entityRef),
    model: optional(form.model),
    deliver: form.deliver,
    enabled: form.enabled,
    timezone: optional(form.timezone),
    missedRuns: form.missedRuns,
  };
}

/**
 * `PATCH /tasks/:id` body: only what changed. An optional field the user cleared is sent
 * as "" so that clearing it is asked for rather than silently ignored.
 */
export function patchBody(
  task: TaskRecord,
  form: TaskForm,
): Partial<TaskInput> {
  const before = formFor(task);
  const body = createBody(form) as Partial<TaskInput> & Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before) as Array<keyof TaskForm>) {
    const was = before[key];
    const now = form[key];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    const wire = body[key];
    if (key === 'prompt' && form.kind !== 'agent') continue;
    if (key === 'audit' && form.kind !== 'drift-audit') continue;
    patch[key] = wire === undefined ? '' : wire;
  }
  return patch as Partial<TaskInput>;
}
