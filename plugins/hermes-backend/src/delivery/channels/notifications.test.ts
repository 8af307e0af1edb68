import { ConfigReader } from '@backstage/config';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { ResponseError } from '@backstage/errors';
import { demoReport, longReport } from '../../__testUtils__/deliveryReports';
import { readChannels } from './index';
import { failure, request } from '../../__testUtils__/deliveryChannels';

/** Backstage's NotificationService is an interface: this one records what it was asked. */
function recording(fail?: () => Promise<void>) {
  const sent: NotificationSendOptions[] = [];
  return {
    sent,
    service: {
      send: async (options: NotificationSendOptions) => {
        if (fail) await fail();
        sent.push(options);
      },
    },
  };
}

function channel(settings: object, service: any, timeoutMs?: number) {
  return readChannels(
    new ConfigReader({
      hermes: {
        delivery: {
          channels: { team: { type: 'notifications', ...settings } },
        },
      },
    }),
    { notifications: service, timeoutMs },
  ).get('team')!;
}

describe('notifications channel', () => {
  it('sends to the configured users and groups with high severity for critical drift', async () => {
    const { sent, service } = recording();
    await channel(
      { recipients: ['group:default/ops', 'user:default/ana'] },
      service,
    ).send(request(demoReport(), 'd-9'));
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/ops', 'user:default/ana'],
        },
        payload: expect.objectContaining({
          title: 'Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod',
          severity: 'high',
          link: 'https://portal.example.com/hermes/tasks/t-1/runs/r-1',
          topic: 'hermes-task',
          scope: 'hermes:delivery:d-9',
        }),
      },
    ]);
  });

  it.each([
    [
      'the task entity, which Backstage resolves to its owners',
      'component:default/api',
      ['component:default/api'],
    ],
    [
      'the task owner when the task has no entity',
      undefined,
      ['user:default/ana'],
    ],
  ])('owners: true sends to %s', async (_name, entityRef, expected) => {
    const { sent, service } = recording();
    await channel({ owners: true }, service).send({
      ...request(longReport(500)),
      entityRef,
    });
    expect(sent[0].recipients).toEqual({ type: 'entity', entityRef: expected });
    expect(sent[0].payload.severity).toBe('normal');
  });

  it.each([
    ['a 503 from the notifications backend is retryable', 503, true],
    ['a 400 is not retryable', 400, false],
  ])('%s', async (_name, status, retryable) => {
    const response = new Response(
      JSON.stringify({ error: { name: 'Error', message: 'nope' } }),
      {
        status,
        headers: { 'content-type': 'application/json' },
      },
    );
    const { service } = recording(async () => {
      throw await ResponseError.fromResponse(response);
    });
    const error = await failure(
      channel({ owners: true }, service).send(request(demoReport())),
    );
    expect(error.options.retryable).toBe(retryable);
    expect(error.message).toMatch(/^notifications team: /);
  });

  it('a send that never returns is a retryable timeout', async () => {
    const { service } = recording(() => new Promise(() => {}));
    const error = await failure(
      channel({ owners: true }, service, 200).send(request(demoReport())),
    );
    expect(error.message).toBe('notifications team: timed out after 0.2 s');
    expect(error.options.retryable).toBe(true);
  });
});
