import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  DeliveryChannelType,
  DeliveryRecord,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { Channel, DeliveryError } from './channels/types';
import { DefaultDeliveryService } from './DefaultDeliveryService';

// The outbox's own behaviour against small scripted channels; outbox.faults.test.ts sends
// through the real channels to loopback platform servers.

// Creating a PostgreSQL database per test takes a while on a busy machine.
jest.setTimeout(60_000);

const databases = createTestDatabases();
const SLACK_TOKEN = 'xoxb-1111-2222-secretsecret';

const report: TaskReport = {
  title: 'Drift Audit — cluster neuroscale-prod',
  status: 'succeeded',
  groups: [],
  warnings: [],
  link: 'http://localhost:3000/hermes/tasks/task-1/runs/run-1',
};

type Step = 'ok' | Error;

/** A channel that answers each send with the next step of its script (then 'ok'). */
function scripted(name: string, type: DeliveryChannelType, steps: Step[]) {
  const sends: Array<{ at: number; deliveryId: string; ok: boolean }> = [];
  const channel: Channel = {
    name,
    type,
    async send(request) {
      const step = steps.shift() ?? 'ok';
      sends.push({
        at: Date.now(),
        deliveryId: request.deliveryId,
        ok: step === 'ok',
      });
      if (step !== 'ok') throw step;
      return { messageId: `${name}-${sends.length}` };
    },
  };
  return { channel, sends };
}

const retryable = (message: string, retryAfterMs?: number) =>
  new DeliveryError(message, { retryable: true, retryAfterMs });

describe.each(databases.eachSupportedId())(
  'DefaultDeliveryService on %s',
  databaseId => {
    const services: DefaultDeliveryService[] = [];
    afterEach(async () => {
      await Promise.all(services.splice(0).map(s => s.close()));
    });

    async function setup(channels: Channel[], maxAttempts = 4) {
      const knex = await databases.init(databaseId);
      const sent: NotificationSendOptions[] = [];
      const logger = mockServices.logger.mock();
      const service = await DefaultDeliveryService.create({
        config: new ConfigReader({
          hermes: {
            delivery: {
              retry: {
                maxAttempts,
                initialDelay: { milliseconds: 10 },
                maxDelay: { milliseconds: 40 },
              },
              channels: { 'ops-slack': { type: 'slack', token: SLACK_TOKEN } },
            },
          },
        }),
        database: databaseService(knex),
        logger,
        notifications: { send: async n => void sent.push(n) },
        channels: new Map(channels.map(c => [c.name, c])),
      });
      services.push(service);
      return { service, sent, logger };
    }

    const outgoing = (runId = 'run-1') => ({
      runId,
      taskId: 'task-1',
      owner: 'user:default/ada',
      report,
    });

    /** Waits until every delivery of the run is sent or dead. */
    /** The owner is told right after a delivery is marked dead: wait for that. */
    async function toldOwner(sent: unknown[]) {
      for (let i = 0; i < 200 && sent.length === 0; i++)
        await new Promise(r => setTimeout(r, 25));
    }

    async function settled(service: DefaultDeliveryService, runId = 'run-1') {
      for (let i = 0; i < 400; i++) {
        const list = (await service.listForRuns([runId])).get(runId)!;
        if (list.every(d => d.status === 'sent' || d.status === 'dead'))
          return new Map(list.map(d => [d.channel, d]));
        await new Promise(r => setTimeout(r, 25));
      }
      throw new Error(`deliveries of ${runId} did not settle`);
    }

    it('refuses an unknown channel by name before anything is queued', async () => {
      const { channel } = scripted('ops-slack', 'slack', []);
      const { service } = await setup([channel]);
      expect(() => service.assertChannels(['ops-slack', 'nope'])).toThrow(
        'Unknown delivery channel "nope"; configured: ops-slack',
      );
      await expect(
        service.enqueue(outgoing(), ['ops-slack', 'nope', 'other']),
      ).rejects.toThrow('Unknown delivery channels "nope", "other"');
      expect((await service.listForRuns(['run-1'])).get('run-1')).toEqual([]);
      expect(service.channels()).toEqual([
        { name: 'ops-slack', type: 'slack' },
      ]);
    });

    it('retries a failing channel with backoff until it answers, and sends the report once', async () => {
      const slack = scripted('ops-slack', 'slack', [
        retryable('HTTP 503'),
        new Error('socket hang up'),
      ]);
      const { service, sent } = await setup([slack.channel]);
      const [queued] = await service.enqueue(outgoing(), ['ops-slack']);
      expect(queued).toMatchObject({ status: 'queued', attempts: 0 });

      const done = (await settled(service)).get('ops-slack')!;
      expect(done).toMatchObject({
        status: 'sent',
        attempts: 3,
        messageId: 'ops-slack-3',
        sentAt: expect.any(String),
      });
      expect(done.lastError).toBeUndefined();
      expect(slack.sends.map(s => s.ok)).toEqual([false, false, true]);
      // Each retry waited at least its backoff (10 ms, then 20 ms, less 20% jitter).
      expect(slack.sends[1].at - slack.sends[0].at).toBeGreaterThanOrEqual(8);
      expect(slack.sends[2].at - slack.sends[1].at).toBeGreaterThanOrEqual(16);
      expect(sent).toEqual([]);
    });

    it('gives up at once on an answer that will not change, tells the owner, and still sends the other channels', async () => {
      const slack = scripted('ops-slack', 'slack', [
        new DeliveryError('Slack answered invalid_auth', { retryable: false }),
      ]);
      const hook = scripted('hook', 'webhook', []);
      const { service, sent } = await setup([slack.channel, hook.channel]);
      await service.enqueue(outgoing(), ['ops-slack', 'hook']);

      const done = await settled(service);
      expect(done.get('ops-slack')).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastError: 'Slack answered invalid_auth',
      });
      expect(done.get('hook')).toMatchObject({ status: 'sent', attempts: 1 });
      await toldOwner(sent);
      expect(sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: 'user:default/ada' },
          payload: expect.objectContaining({
            title: `Hermes could not deliver "${report.title}" to ops-slack`,
            description: expect.stringContaining('Slack answered invalid_auth'),
            link: report.link,
          }),
        },
      ]);
    });

    it('is dead after maxAttempts with the last error, the owner told once', async () => {
      const slack = scripted('ops-slack', 'slack', [
        retryable('HTTP 502'),
        retryable('HTTP 503'),
        retryable('HTTP 500 from slack.com'),
      ]);
      const { service, sent } = await setup([slack.channel], 3);
      await service.enqueue(outgoing(), ['ops-slack']);
      expect((await settled(service)).get('ops-slack')).toMatchObject({
        status: 'dead',
        attempts: 3,
        lastError: 'HTTP 500 from slack.com',
      });
      expect(slack.sends).toHaveLength(3);
      await toldOwner(sent);
      expect(sent).toHaveLength(1);
      expect(sent[0].payload.description).toContain('after 3 attempts');
    });

    it('waits out a rate limit before sending anything more to that channel', async () => {
      const slack = scripted('ops-slack', 'slack', [
        retryable('HTTP 429 Too Many Requests', 300),
      ]);
      const { service } = await setup([slack.channel]);
      await service.enqueue(outgoing('run-1'), ['ops-slack']);
      while (slack.sends.length === 0) await new Promise(r => setTimeout(r, 5));
      // Queued while the channel is limited: held until the platform's time has passed.
      await service.enqueue(outgoing('run-2'), ['ops-slack']);
      await settled(service, 'run-1');
      await settled(service, 'run-2');

      const [limited, ...later] = slack.sends;
      expect(limited.ok).toBe(false);
      expect(later.map(s => s.ok)).toEqual([true, true]);
      // Both the limited delivery and the one queued meanwhile waited for the platform.
      expect(
        later.filter(s => s.deliveryId === limited.deliveryId),
      ).toHaveLength(1);
      for (const send of later)
        expect(send.at - limited.at).toBeGreaterThanOrEqual(295);
      expect(slack.sends).toHaveLength(3);
    });

    it('queues a dead delivery again on retry, refuses to resend a sent one, and names an unknown one', async () => {
      const slack = scripted('ops-slack', 'slack', [
        new DeliveryError('HTTP 404 channel_not_found', { retryable: false }),
      ]);
      const { service } = await setup([slack.channel]);
      const [queued] = await service.enqueue(outgoing(), ['ops-slack']);
      await settled(service);

      const again = await service.retry(queued.id);
      expect(again.id).toBe(queued.id);
      expect(['queued', 'sending', 'sent']).toContain(again.status);
      const done = (await settled(service)).get('ops-slack') as DeliveryRecord;
      // Attempts are kept: the retry is the second.
      expect(done).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await service.get(queued.id)).toMatchObject({
        status: 'sent',
        taskId: 'task-1',
        owner: 'user:default/ada',
      });

      await expect(service.retry(queued.id)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('already sent'),
      });
      await expect(service.retry('no-such-id')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('logs, rather than notifies, when the dead channel is Backstage notifications itself', async () => {
      const inbox = scripted('inbox', 'notifications', [
        new DeliveryError('notifications refused the recipients', {
          retryable: false,
        }),
      ]);
      const { service, sent, logger } = await setup([inbox.channel]);
      await service.enqueue(outgoing(), ['inbox']);
      expect((await settled(service)).get('inbox')?.status).toBe('dead');
      expect(sent).toEqual([]);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('notifications refused the recipients'),
      );
    });

    it('never stores or shows a configured secret, whatever an error says', async () => {
      const slack = scripted('ops-slack', 'slack', [
        new DeliveryError(`request with token ${SLACK_TOKEN} refused`, {
          retryable: false,
        }),
      ]);
      slack.channel.check = async () => {
        throw new Error(`auth.test failed for ${SLACK_TOKEN}`);
      };
      const hook = scripted('hook', 'webhook', []);
      hook.channel.check = async () => {};
      const inbox = scripted('inbox', 'notifications', []);
      const { service, logger } = await setup([
        slack.channel,
        hook.channel,
        inbox.channel,
      ]);
      await service.enqueue(outgoing(), ['ops-slack']);
      const dead = (await settled(service)).get('ops-slack')!;
      expect(dead.lastError).toBe('request with token *** refused');
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(SLACK_TOKEN);

      expect(await service.checkChannels()).toEqual([
        {
          name: 'ops-slack',
          type: 'slack',
          reachable: false,
          detail: 'auth.test failed for ***',
        },
        { name: 'hook', type: 'webhook', reachable: true },
        { name: 'inbox', type: 'notifications' },
      ]);
    });

    it('runs as one global task on the scheduler, each run sending what is due', async () => {
      const slack = scripted('ops-slack', 'slack', []);
      const { service } = await setup([slack.channel]);
      const scheduler = mockServices.scheduler.mock();
      await service.start(scheduler);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'hermes-delivery-outbox',
          scope: 'global',
          frequency: { seconds: 10 },
        }),
      );
      await service.enqueue(outgoing(), ['ops-slack']);
      const { fn } = scheduler.scheduleTask.mock.calls[0][0];
      await fn(new AbortController().signal);
      expect((await settled(service)).get('ops-slack')?.status).toBe('sent');
      expect(slack.sends).toHaveLength(1);
    });
  },
);
