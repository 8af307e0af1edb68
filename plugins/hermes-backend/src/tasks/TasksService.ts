import {
  AuthService,
  DatabaseService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeliveryChannelInfo,
  DeliveryRecord,
  TaskInput,
  TaskRecord,
  TaskRunRecord,
  TaskSchedule,
} from '@hermes-backstage/plugin-hermes-common';
import { ChatService } from '../agent/ChatService';
import { DeliveryService } from '../delivery/DeliveryService';
import { DriftService } from '../drift/DriftService';
import { ModelRegistry } from '../models/ModelRegistry';
import { readConfigTasks, syncConfigTasks } from './configTasks';
import { runRecords, taskRecords } from './records';
import { nextRuns, parseSchedule } from './schedule';
import { callerRef, TaskAccess, UserCredentials } from './taskAccess';
import { TaskRunner } from './TaskRunner';
import {
  KnexTaskStore,
  NewTask,
  StoredRun,
  StoredTask,
  TaskStore,
} from './TaskStore';
import { inputOf, normalize, validateTask } from './validateTask';

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
  private readonly access: TaskAccess;

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
  ) {
    this.access = new TaskAccess(options);
  }

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
    const access = await this.access.of(credentials);
    for (const task of tasks)
      if (await this.access.canRead(task, credentials, access))
        readable.push(task);
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
    if (
      !(await this.access.mayChange(task, credentials, { allowConfig: true }))
    )
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
    if (!delivery || !(mine || (await this.access.isAdmin(credentials)))) {
      if (delivery && task && (await this.access.canRead(task, credentials)))
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
    await syncConfigTasks({
      ...this.options,
      validate: (input, current) =>
        this.validate(input, 'config', 'config', undefined, current),
    });
    await this.options.runner.start(scheduler);
  }

  private async readable(id: string, credentials: UserCredentials) {
    const task = await this.options.store.get(id);
    if (!task || !(await this.access.canRead(task, credentials)))
      throw new NotFoundError(`No task ${id}`);
    return task;
  }

  private async changeable(id: string, credentials: UserCredentials) {
    const task = await this.readable(id, credentials);
    if (task.source === 'config')
      throw new NotAllowedError(
        `Task "${task.name}" is declared in app-config (hermes.tasks); change it there`,
      );
    if (!(await this.access.mayChange(task, credentials)))
      throw new NotAllowedError(
        `Only ${task.owner} or holders of hermes.tasks.admin may change task "${task.name}"`,
      );
    return task;
  }

  /** See validateTask; `credentials` is undefined for config tasks. */
  private validate(
    input: TaskInput & { timezone?: string },
    owner: string,
    source: StoredTask['source'],
    credentials: UserCredentials | undefined,
    current?: StoredTask,
  ): Promise<NewTask> {
    return validateTask({ ...this.options, access: this.access }, input, {
      owner,
      source,
      credentials,
      current,
    });
  }

  private records(tasks: StoredTask[]): Promise<TaskRecord[]> {
    return taskRecords(tasks, this.options);
  }

  private runRecords(runs: StoredRun[]): Promise<TaskRunRecord[]> {
    return runRecords(runs, this.options.delivery);
  }
}
