import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  driftReportModel,
  formatUtc,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';
import { ChatService } from '../agent/ChatService';
import { DeliveryService } from '../delivery/DeliveryService';
import { DriftService } from '../drift/DriftService';
import { ModelRegistry } from '../models/ModelRegistry';
import { dueTimesBetween, nextRun } from './schedule';
import { RunOutcome, StoredRun, StoredTask, TaskStore } from './TaskStore';

const TICK_SECONDS = 30;
// A due time found later than this was missed (no backend ran then), not just reached late.
const MISSED_AFTER_MS = 2 * TICK_SECONDS * 1000 + 60_000;
// A run still "running" after this ended with the process that ran it.
const ABANDONED_AFTER_MS = 60 * 60_000;

/**
 * Finds due tasks and runs them. Every replica may tick: a due time is taken by one replica
 * (a conditional update of the task's next due time), a run by one worker (queued → running),
 * and the database refuses a second active run of a task. Runs go on after the tick returns,
 * so one slow agent run does not hold the others back.
 */
export class TaskRunner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      store: TaskStore;
      delivery: DeliveryService;
      drift: DriftService;
      chat: Pick<ChatService, 'runTask'>;
      models: ModelRegistry;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** `app.baseUrl`, for links back to a run. */
      portalUrl?: string;
    },
  ) {}

  async start(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'hermes-tasks',
      scope: 'global',
      frequency: { seconds: TICK_SECONDS },
      timeout: { minutes: 5 },
      fn: () => this.tick(),
    });
  }

  /** Records what is due (or was missed) and starts every queued run. */
  async tick(now = new Date()): Promise<void> {
    const { store, logger } = this.options;
    for (const run of await store.abandonedRuns(
      new Date(now.getTime() - ABANDONED_AFTER_MS),
    ))
      await store.finishRun(run.id, {
        status: 'failed',
        reason: 'the backend running it stopped before it finished',
      });
    for (const task of await store.due(now)) {
      try {
        await this.queueDue(task, now);
      } catch (error) {
        logger.error(`Task "${task.name}": ${error}`);
      }
    }
    for (const run of await store.queuedRuns()) this.launch(run);
  }

  /** Queues a run now; refused while one is queued or running. */
  async runNow(task: StoredTask): Promise<StoredRun> {
    const run = await this.options.store.addRun({
      taskId: task.id,
      trigger: 'manual',
      status: 'queued',
    });
    if (!run)
      throw new ConflictError(
        `Task "${task.name}" is already queued or running; wait for that run to finish`,
      );
    this.launch(run);
    return run;
  }

  /** Waits for the runs this process started (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private async queueDue(task: StoredTask, now: Date) {
    const { store } = this.options;
    const dueAt = task.nextRunAt!;
    if (!(await store.advance(task.id, dueAt, nextRun(task.schedule, now))))
      return; // another replica took this due time
    const late = now.getTime() - dueAt.getTime();
    if (late <= MISSED_AFTER_MS) {
      await this.queue(task, dueAt, 'schedule');
      return;
    }
    const missed = [dueAt, ...dueTimesBetween(task.schedule, dueAt, now, 1000)];
    const span = `${missed.length} due time${
      missed.length === 1 ? '' : 's'
    } from ${formatUtc(dueAt)} to ${formatUtc(missed.at(-1)!)}`;
    if (task.missedRuns === 'skip') {
      await store.addRun({
        taskId: task.id,
        trigger: 'catch-up',
        status: 'skipped',
        reason: `missed ${span} while no Hermes backend was running (missedRuns: skip)`,
        dueAt: missed.at(-1),
      });
      return;
    }
    await this.queue(task, missed.at(-1)!, 'catch-up');
  }

  private async queue(
    task: StoredTask,
    dueAt: Date,
    trigger: 'schedule' | 'catch-up',
  ) {
    const { store } = this.options;
    const run = await store.addRun({
      taskId: task.id,
      trigger,
      status: 'queued',
      dueAt,
    });
    if (run) return;
    const active = (await store.listRuns(task.id, 5)).find(
      r => r.status === 'queued' || r.status === 'running',
    );
    // Either a run for this due time exists, or an earlier run is still going.
    if (active)
      await store.addRun({
        taskId: task.id,
        trigger,
        status: 'skipped',
        reason: `the run of ${formatUtc(new Date(active.queuedAt))} was still ${
          active.status
        }`,
        dueAt,
      });
  }

  private launch(run: StoredRun) {
    const work = this.execute(run)
      .catch(error =>
        this.options.logger.error(`Task run ${run.id} failed: ${error}`),
      )
      .finally(() => this.running.delete(work));
    this.running.add(work);
  }

  private async execute(queued: StoredRun) {
    const { store } = this.options;
    if (!(await store.claimRun(queued.id))) return; // another worker has it
    const task = await store.get(queued.taskId);
    if (!task) return;
    const startedAt = new Date();
    let outcome: RunOutcome;
    try {
      outcome = await this.perform(task, queued, startedAt);
    } catch (error) {
      outcome = {
        status: 'failed',
        reason: (error as Error).message,
        report: this.report(task, queued, {
          status: 'failed',
          error: (error as Error).message,
        }),
      };
    }
    await store.finishRun(queued.id, outcome);
    // Every finished run is reported, failures too; a skipped one is only recorded.
    const channels = task.deliver.filter(c =>
      this.options.delivery.channels().some(known => known.name === c),
    );
    if (outcome.report && channels.length)
      await this.options.delivery.enqueue(
        {
          runId: queued.id,
          taskId: task.id,
          owner: task.owner,
          entityRef: task.entityRef,
          report: outcome.report,
        },
        channels,
      );
  }

  /** Config mistakes stop a run before anything is spent, with one message. */
  private preflight(task: StoredTask): string | undefined {
    const { delivery, drift, models } = this.options;
    try {
      delivery.assertChannels(task.deliver);
      if (task.model) models.parse(task.model);
    } catch (error) {
      return (error as Error).message;
    }
    if (
      task.kind === 'drift-audit' &&
      !drift.definitions().some(d => d.name === task.audit)
    )
      return `No audit "${task.audit}" is configured (hermes.audits)`;
    if (task.kind === 'agent' && !models.languageModel('chat', task.model))
      return 'No model is configured for chat (hermes.models.chat), and the task names none';
    return undefined;
  }

  private async perform(
    task: StoredTask,
    run: StoredRun,
    startedAt: Date,
  ): Promise<RunOutcome> {
    const problem = this.preflight(task);
    if (problem)
      return {
        status: 'failed',
        reason: problem,
        report: this.report(task, run, { status: 'failed', error: problem }),
      };
    const credentials = await this.options.auth.getOwnServiceCredentials();
    if (task.kind === 'drift-audit') {
      const { drift } = this.options;
      const audit = await drift.runAudit(
        task.audit!,
        run.trigger === 'manual' ? 'manual' : 'schedule',
        { model: task.model },
      );
      // The audit model (or the task's) suggested and narrated, when one is configured; its
      // token counts are the audit's own (triageModel).
      const auditModel = this.options.models.languageModel(
        'audit',
        task.model,
      )?.selection;
      const model = auditModel && `${auditModel.provider}/${auditModel.model}`;

      if (audit.status === 'failed')
        return {
          status: 'failed',
          reason: audit.error,
          auditId: audit.id,
          model,
          report: this.report(task, run, {
            status: 'failed',
            error: audit.error,
          }),
        };
      const findings = await drift.listFindings({
        credentials,
        auditId: audit.id,
        entityRef: task.entityRef,
      });
      return {
        status: 'succeeded',
        auditId: audit.id,
        model,
        report: driftReportModel({
          cluster: audit.cluster,
          findings,
          time: new Date(audit.startedAt),
          warnings: audit.warnings,
          narrative: audit.narrative,
          link: this.link(task, run),
        }),
      };
    }

    const entity = task.entityRef
      ? await this.options.catalog.getEntityByRef(task.entityRef, {
          credentials,
        })
      : undefined;
    const turn = await this.options.chat.runTask({
      taskName: task.name,
      prompt: task.prompt!,
      ownerRef: task.owner,
      credentials,
      entityRef: task.entityRef,
      entity,
      model: task.model,
      driftRead: task.scope.driftRead,
    });
    const warnings = turn.held
      ? [
          `${turn.held} changing call${turn.held === 1 ? '' : 's'} wait for ${
            task.owner
          }'s approval (Hermes → Approvals); nothing was changed`,
        ]
      : [];
    return {
      status: turn.error ? 'failed' : 'succeeded',
      reason: turn.error,
      model: turn.model,
      tokens: turn.tokens,
      sessionId: turn.sessionId,
      report: this.report(task, run, {
        status: turn.error ? 'failed' : 'succeeded',
        error: turn.error,
        summary: turn.answer || undefined,
        subtitle: `${formatUtc(startedAt)} · ${turn.model}`,
        warnings,
      }),
    };
  }

  private report(
    task: StoredTask,
    run: StoredRun,
    parts: Partial<TaskReport> & Pick<TaskReport, 'status'>,
  ): TaskReport {
    return {
      title: `Hermes task ${task.name}`,
      groups: [],
      warnings: [],
      link: this.link(task, run),
      ...parts,
    };
  }

  private link(task: StoredTask, run: StoredRun) {
    const base = this.options.portalUrl?.replace(/\/+$/, '') ?? '';
    return `${base}/hermes?tab=tasks&task=${task.id}&run=${run.id}`;
  }
}
