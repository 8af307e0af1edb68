import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TaskInput } from '@hermes-backstage/plugin-hermes-common';
import { DeliveryService } from '../delivery/DeliveryService';
import { DriftService } from '../drift/DriftService';
import { ModelRegistry } from '../models/ModelRegistry';
import { nextRun, parseSchedule } from './schedule';
import { TaskAccess, UserCredentials } from './taskAccess';
import { NewTask, StoredTask } from './TaskStore';

/** What checking a task needs: what exists (audits, models, channels, entities) and who may read what. */
export interface TaskValidationDeps {
  drift: Pick<DriftService, 'definitions'>;
  models: Pick<ModelRegistry, 'parse'>;
  delivery: Pick<DeliveryService, 'assertChannels'>;
  catalog: CatalogService;
  access: TaskAccess;
}

/**
 * Checks a task as a whole and fixes its scope: what its owner may read now (the entity,
 * all drift). Config tasks are the operator's (no credentials) and read what the plugin reads.
 */
export async function validateTask(
  deps: TaskValidationDeps,
  input: TaskInput & { timezone?: string },
  options: {
    owner: string;
    source: StoredTask['source'];
    credentials: UserCredentials | undefined;
    current?: StoredTask;
  },
): Promise<NewTask> {
  const { owner, source, credentials, current } = options;
  const name = input.name?.trim();
  if (!name || name.length > 128)
    throw new InputError('name: required, at most 128 characters');
  if (input.kind !== 'agent' && input.kind !== 'drift-audit')
    throw new InputError(`kind: "${input.kind}" is not agent or drift-audit`);
  const prompt = input.prompt?.trim() || undefined;
  if (input.kind === 'agent' && !prompt)
    throw new InputError('prompt: an agent task needs a prompt');
  const audits = deps.drift.definitions().map(d => d.name);
  if (input.kind === 'drift-audit' && !audits.includes(input.audit ?? ''))
    throw new InputError(
      `audit: ${
        input.audit
          ? `no audit "${input.audit}"`
          : 'a drift-audit task names an audit'
      }; configured audits: ${audits.join(', ') || 'none (add hermes.audits)'}`,
    );
  if (input.model) deps.models.parse(input.model);
  const deliver = [...new Set(input.deliver ?? [])];
  deps.delivery.assertChannels(deliver);
  const schedule = parseSchedule(input.schedule ?? '', input.timezone ?? 'UTC');
  const entityRef = input.entityRef ? normalize(input.entityRef) : undefined;

  let driftRead = true;
  if (credentials) {
    if (entityRef) {
      const entity = await deps.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity)
        throw new NotFoundError(
          `No entity ${entityRef}, or you may not read it`,
        );
    }
    driftRead = (await deps.access.of(credentials)).driftRead;
    if (input.kind === 'drift-audit' && !entityRef && !driftRead)
      throw new NotAllowedError(
        'A drift audit of a whole cluster reports drift of every entity and needs hermes.drift.read; scope the task to an entity (entityRef) instead',
      );
  }
  const enabled = input.enabled ?? true;
  const sameSchedule =
    current?.schedule.cron === schedule.cron &&
    current.schedule.timezone === schedule.timezone;
  let nextRunAt: Date | undefined;
  if (enabled)
    nextRunAt =
      sameSchedule && current?.nextRunAt
        ? current.nextRunAt
        : nextRun(schedule, new Date());
  return {
    name,
    owner,
    source,
    kind: input.kind,
    prompt,
    audit: input.kind === 'drift-audit' ? input.audit : undefined,
    entityRef,
    model: input.model || undefined,
    schedule,
    deliver,
    enabled,
    missedRuns: input.missedRuns === 'skip' ? 'skip' : 'run-once',
    nextRunAt,
    scope: { driftRead, checkedAt: new Date().toISOString() },
  };
}

/** A stored task as the input it came from, for patching. */
export function inputOf(task: StoredTask): TaskInput {
  return {
    name: task.name,
    kind: task.kind,
    schedule: task.schedule.text,
    timezone: task.schedule.timezone,
    prompt: task.prompt,
    audit: task.audit,
    entityRef: task.entityRef,
    model: task.model,
    deliver: task.deliver,
    enabled: task.enabled,
    missedRuns: task.missedRuns,
  };
}

export function normalize(ref: string): string {
  try {
    // Kind-less refs are components, as in the catalog's own shorthand.
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    throw new InputError(
      `entityRef: "${ref}" is not an entity ref like component:default/name`,
    );
  }
}
