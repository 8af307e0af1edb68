import {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  DatabaseService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DeliveryChannelInfo,
  DeliveryRecord,
  hermesDriftReadPermission,
  hermesTasksAdminPermission,
  TaskInput,
  TaskRecord,
  TaskRunRecord,
  TaskSchedule,
} from '@hermes-backstage/plugin-hermes-common';
import { ChatService } from '../agent/ChatService';
import { DeliveryService } from '../delivery/DeliveryService';
import { DriftService } from '../drift/DriftService';
import { ModelRegistry } from '../models/ModelRegistry';
import { readConfigTasks } from './configTasks';
import { nextRun, nextRuns, parseSchedule } from './schedule';
import { TaskRunner } from './TaskRunner';
import {
  KnexTaskStore,
  NewTask,
  StoredRun,
  StoredTask,
  TaskStore,
} from './TaskStore';

// Users, or a service calling with a static token (the CLI in a pipeline).
type UserCredentials = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/** Who owns what a caller creates: the user, or the calling service's subject. */
function callerRef(credentials: UserCredentials): string {
  const { principal } = credentials;
  return principal.type === 'user'
    ? principal.userEntityRef
    : `service:${principal.subject}`;
}

/** Scheduled tasks: what people and config declare, their runs, and their deliveries. */
export interface TasksService {
  /** The tasks the caller may read; with `entityRef`, that entity's. */
  list(
    credentials: UserCredentials,
    filter?: { entityRef?: string },
  ): Promise<TaskRecord[]>;
  get(id: string, credentials: UserCredentials): Promise<TaskRecord>;
  create(input: TaskInput, credentials: UserCredentials): Promise<TaskRecord>;
  update(
    id: string,
    patch: Partial<TaskInput>,
    credentials: UserCredentials,
  ): Promise<TaskRecord>;
  delete(id: string, credentials: UserCredentials): Promise<void>;
  /** Queues a run now and starts it in this process. */
  runNow(id: string, credentials: UserCredentials): Promise<TaskRunRecord>;
  listRuns(
    id: string,
    credentials: UserCredentials,
    limit?: number,
  ): Promise<TaskRunRecord[]>;
  previewSchedule(text: string, timezone?: string): TaskSchedule;
  retryDelivery(
    id: string,
    credentials: UserCredentials,
  ): Promise<DeliveryRecord>;
  channels(): Promise<DeliveryChannelInfo[]>;
  /** Brings config tasks into the database and schedules the runner. */
  start(scheduler: SchedulerService): Promise<void>;
}

export class DefaultTasksService implements TasksService {
  constructor(
    private readonly options: {
      store: TaskStore;
      runner: TaskRunner;
      configTasks: TaskInput[];
      delivery: DeliveryService;
      drift: Pick<DriftService, 'definitions'>;
      models: ModelRegistry;
      catalog: CatalogService;
      permissions: PermissionsService;
      logger: LoggerService;
    },
  ) {}

  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    auth: AuthService;
    catalog: CatalogService;
    permissions: PermissionsService;
    delivery: DeliveryService;
    drift: DriftService;
    chat: Pick<ChatService, 'runTask'>;
    models: ModelRegistry;
  }): Promise<DefaultTasksService> {
    const store = await KnexTaskStore.create(options);
    return new DefaultTasksService({
      ...options,
      store,
      configTasks: readConfigTasks(options.config),
      runner: new TaskRunner({
        ...options,
        store,
        portalUrl: options.config.getOptionalString('app.baseUrl'),
      }),
    });
  }

  async list(
    credentials: UserCredentials,
    filter: { entityRef?: string } = {},
  ) {
    const tasks = await this.options.store.list({
      entityRef: filter.entityRef && normalize(filter.entityRef),
    });
    const readable: StoredTask[] = [];
    const access = await this.access(credentials);
    for (const task of tasks)
      if (await this.canRead(task, credentials, access)) readable.push(task);
    return this.records(readable);
  }

  async get(id: string, credentials: UserCredentials) {
    const task = await this.readable(id, credentials);
    return (await this.records([task]))[0];
  }

  async create(input: TaskInput, credentials: UserCredentials) {
    const owner = callerRef(credentials);
    const task = await this.validate(
      {
        enabled: true,
        missedRuns: 'run-once',
        timezone: 'UTC',
        ...input,
      },
      owner,
      'api',
      credentials,
    );
    const created = await this.options.store.create(task);
    return (await this.records([created]))[0];
  }

  async update(
    id: string,
    patch: Partial<TaskInput>,
    credentials: UserCredentials,
  ) {
    const task = await this.changeable(id, credentials);
    const next = await this.validate(
      { ...inputOf(task), ...patch },
      task.owner,
      task.source,
      credentials,
      task,
    );
    const updated = await this.options.store.update(id, next);
    return (await this.records([updated]))[0];
  }

  async delete(id: string, credentials: UserCredentials) {
    await this.changeable(id, credentials);
    await this.options.store.delete(id);
  }

  async runNow(id: string, credentials: UserCredentials) {
    const task = await this.readable(id, credentials);
    // Running is changing: it spends model tokens and sends reports.
    if (!(await this.mayChange(task, credentials, { allowConfig: true })))
      throw new NotAllowedError(
        `Only ${task.owner} or holders of hermes.tasks.admin may run task "${task.name}"`,
      );
    const run = await this.options.runner.runNow(task);
    return (await this.runRecords([run]))[0];
  }

  async listRuns(id: string, credentials: UserCredentials, limit = 20) {
    const task = await this.readable(id, credentials);
    const runs = await this.options.store.listRuns(
      task.id,
      Math.min(Math.max(limit, 1), 100),
    );
    return this.runRecords(runs);
  }

  previewSchedule(text: string, timezone = 'UTC'): TaskSchedule {
    const parsed = parseSchedule(text, timezone);
    return {
      ...parsed,
      next: nextRuns(parsed, 3, new Date()).map(d => d.toISOString()),
    };
  }

  async retryDelivery(id: string, credentials: UserCredentials) {
    const delivery = await this.options.delivery.get(id);
    const task = delivery && (await this.options.store.get(delivery.taskId));
    const owner = task?.owner ?? delivery?.owner;
    const mine = owner === callerRef(credentials);
    if (!delivery || !(mine || (await this.isAdmin(credentials)))) {
      if (delivery && task && (await this.canRead(task, credentials)))
        throw new NotAllowedError(
          `Only ${owner} or holders of hermes.tasks.admin may retry this delivery`,
        );
      throw new NotFoundError(`No delivery ${id}`);
    }
    return this.options.delivery.retry(id);
  }

  channels() {
    return this.options.delivery.checkChannels();
  }

  async start(scheduler: SchedulerService) {
    await this.syncConfigTasks();
    await this.options.runner.start(scheduler);
  }

  /** Config tasks as declared: added, changed (keeping their next due time when the schedule is the same) or removed. */
  private async syncConfigTasks() {
    const { store, logger } = this.options;
    const existing = new Map(
      (await store.list()).map(task => [task.name, task]),
    );
    const declared = new Set<string>();
    for (const input of this.options.configTasks) {
      declared.add(input.name);
      const current = existing.get(input.name);
      if (current && current.source !== 'config') {
        logger.error(
          `hermes.tasks: "${input.name}" is also the name of a task created through the API; the one in config is ignored until one is renamed`,
        );
        continue;
      }
      try {
        const task = await this.validate(
          input,
          'config',
          'config',
          undefined,
          current,
        );
        if (current) await store.update(current.id, task);
        else
          await store.create(task).catch(error => {
            // Another replica starting at the same time made it.
            if (!(error instanceof ConflictError)) throw error;
          });
      } catch (error) {
        logger.error(
          `hermes.tasks: task "${input.name}": ${(error as Error).message}`,
        );
      }
    }
    for (const task of existing.values())
      if (task.source === 'config' && !declared.has(task.name))
        await store.delete(task.id);
  }

  /**
   * Checks a task as a whole and fixes its scope: what its owner may read now (the entity,
   * all drift). Config tasks are the operator's and read what the plugin reads.
   */
  private async validate(
    input: TaskInput & { timezone?: string },
    owner: string,
    source: StoredTask['source'],
    credentials: UserCredentials | undefined,
    current?: StoredTask,
  ): Promise<NewTask> {
    const name = input.name?.trim();
    if (!name || name.length > 128)
      throw new InputError('name: required, at most 128 characters');
    if (input.kind !== 'agent' && input.kind !== 'drift-audit')
      throw new InputError(`kind: "${input.kind}" is not agent or drift-audit`);
    const prompt = input.prompt?.trim() || undefined;
    if (input.kind === 'agent' && !prompt)
      throw new InputError('prompt: an agent task needs a prompt');
    const audits = this.options.drift.definitions().map(d => d.name);
    if (input.kind === 'drift-audit' && !audits.includes(input.audit ?? ''))
      throw new InputError(
        `audit: ${
          input.audit
            ? `no audit "${input.audit}"`
            : 'a drift-audit task names an audit'
        }; configured audits: ${
          audits.join(', ') || 'none (add hermes.audits)'
        }`,
      );
    if (input.model) this.options.models.parse(input.model);
    const deliver = [...new Set(input.deliver ?? [])];
    this.options.delivery.assertChannels(deliver);
    const schedule = parseSchedule(
      input.schedule ?? '',
      input.timezone ?? 'UTC',
    );
    const entityRef = input.entityRef ? normalize(input.entityRef) : undefined;

    let driftRead = true;
    if (credentials) {
      if (entityRef) {
        const entity = await this.options.catalog.getEntityByRef(entityRef, {
          credentials,
        });
        if (!entity)
          throw new NotFoundError(
            `No entity ${entityRef}, or you may not read it`,
          );
      }
      driftRead = (await this.access(credentials)).driftRead;
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

  private async readable(id: string, credentials: UserCredentials) {
    const task = await this.options.store.get(id);
    if (!task || !(await this.canRead(task, credentials)))
      throw new NotFoundError(`No task ${id}`);
    return task;
  }

  private async changeable(id: string, credentials: UserCredentials) {
    const task = await this.readable(id, credentials);
    if (task.source === 'config')
      throw new NotAllowedError(
        `Task "${task.name}" is declared in app-config (hermes.tasks); change it there`,
      );
    if (!(await this.mayChange(task, credentials)))
      throw new NotAllowedError(
        `Only ${task.owner} or holders of hermes.tasks.admin may change task "${task.name}"`,
      );
    return task;
  }

  private async mayChange(
    task: StoredTask,
    credentials: UserCredentials,
    options: { allowConfig?: boolean } = {},
  ) {
    if (task.owner === callerRef(credentials)) return true;
    if (task.source === 'config' && options.allowConfig)
      return this.canRead(task, credentials);
    return this.isAdmin(credentials);
  }

  /**
   * Who may read a task, its runs and reports: its owner, administrators, and whoever may
   * read what its reports are about (its entity; all drift for a task without one).
   */
  private async canRead(
    task: StoredTask,
    credentials: UserCredentials,
    known?: { admin: boolean; driftRead: boolean },
  ) {
    if (task.owner === callerRef(credentials)) return true;
    const access = known ?? (await this.access(credentials));
    if (access.admin) return true;
    if (!task.entityRef) return access.driftRead;
    return Boolean(
      await this.options.catalog.getEntityByRef(task.entityRef, {
        credentials,
      }),
    );
  }

  private async access(credentials: UserCredentials) {
    const [admin, driftRead] = await this.options.permissions.authorize(
      [
        { permission: hermesTasksAdminPermission },
        { permission: hermesDriftReadPermission },
      ],
      { credentials },
    );
    return {
      admin: admin.result === AuthorizeResult.ALLOW,
      driftRead: driftRead.result === AuthorizeResult.ALLOW,
    };
  }

  private async isAdmin(credentials: UserCredentials) {
    return (await this.access(credentials)).admin;
  }

  private async records(tasks: StoredTask[]): Promise<TaskRecord[]> {
    const last = await this.options.store.lastRuns(tasks.map(t => t.id));
    const lastRuns = await this.runRecords([...last.values()]);
    const byTask = new Map(lastRuns.map(r => [r.taskId, r]));
    return tasks.map(task => ({
      id: task.id,
      name: task.name,
      owner: task.owner,
      source: task.source,
      kind: task.kind,
      prompt: task.prompt,
      audit: task.audit,
      entityRef: task.entityRef,
      model: task.model,
      schedule: {
        ...task.schedule,
        description: describe(task),
        next: task.enabled
          ? nextRuns(task.schedule, 3, new Date()).map(d => d.toISOString())
          : [],
      },
      deliver: task.deliver,
      enabled: task.enabled,
      missedRuns: task.missedRuns,
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
      lastRun: byTask.get(task.id),
    }));
  }

  private async runRecords(runs: StoredRun[]): Promise<TaskRunRecord[]> {
    const deliveries = await this.options.delivery.listForRuns(
      runs.map(r => r.id),
    );
    return runs.map(run => ({
      ...run,
      durationMs:
        run.startedAt && run.finishedAt
          ? Date.parse(run.finishedAt) - Date.parse(run.startedAt)
          : undefined,
      deliveries: deliveries.get(run.id) ?? [],
    }));
  }
}

function describe(task: StoredTask): string {
  return parseSchedule(task.schedule.text, task.schedule.timezone).description;
}

function inputOf(task: StoredTask): TaskInput {
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

function normalize(ref: string): string {
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
