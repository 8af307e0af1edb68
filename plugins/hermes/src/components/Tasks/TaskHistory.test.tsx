import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TaskRunRecord } from '@hermes-backstage/plugin-hermes-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { HermesApi, hermesApiRef } from '../../api';
import { HermesPage } from '../HermesPage';
import { aDelivery, aRun, aTask } from './fixtures';

// Progress is polled every two seconds, with real timers.
jest.setTimeout(30_000);

async function renderPage(api: Partial<HermesApi>, route: string) {
  await act(async () => {
    await renderInTestApp(<HermesPage />, {
      initialRouteEntries: [route],
      apis: [[hermesApiRef, { getStatus: jest.fn(), ...api }]],
    });
  });
}

describe('TaskHistory', () => {
  it('runs a task now and shows the run queued, then running, then its report and delivery', async () => {
    const queued = aRun({
      id: 'r2',
      status: 'queued',
      startedAt: undefined,
      finishedAt: undefined,
      durationMs: undefined,
      model: undefined,
      tokens: undefined,
      report: undefined,
      deliveries: [],
    });
    const progress: TaskRunRecord[] = [
      queued,
      { ...queued, status: 'running', startedAt: '2026-11-25T10:00:01.000Z' },
      aRun({
        id: 'r2',
        deliveries: [aDelivery({ status: 'sending', sentAt: undefined })],
      }),
      aRun({ id: 'r2' }),
    ];
    let started = false;
    const listTaskRuns = jest.fn(async () =>
      started ? [progress.length > 1 ? progress.shift()! : progress[0]] : [],
    );
    const runTask = jest.fn(async () => {
      started = true;
      return queued;
    });
    await renderPage(
      { getTask: async () => aTask(), listTaskRuns, runTask },
      '/?tab=tasks&task=t1',
    );

    expect(screen.getByRole('tab', { name: 'Tasks' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByText('At 0 minutes past the hour, every 6 hours'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Next runs' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      '2026-11-25 12:00 UTC',
      '2026-11-25 18:00 UTC',
      '2026-11-26 00:00 UTC',
    ]);
    expect(await screen.findByText(/No runs yet/)).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(
        screen.getByRole('button', { name: 'Run prod drift every 6h now' }),
      );
    });
    expect(runTask).toHaveBeenCalledWith('t1');
    expect(await screen.findByLabelText('run queued')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Queued' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByLabelText('run running', {}, { timeout: 5000 }),
    ).toBeInTheDocument();

    const report = await screen.findByRole(
      'region',
      { name: /^Report: Drift Audit/ },
      { timeout: 10_000 },
    );
    expect(screen.getByLabelText('run succeeded')).toBeInTheDocument();
    expect(
      within(report).getByText(
        'ClusterPolicy require-resource-limits: modified in-cluster',
      ),
    ).toBeInTheDocument();
    const delivery = screen.getByRole('row', { name: 'Delivery to portal' });
    await waitFor(
      () => expect(within(delivery).getByText('sent')).toBeInTheDocument(),
      {
        timeout: 5000,
      },
    );
    // Nothing moves any more, so the view stops asking.
    const calls = listTaskRuns.mock.calls.length;
    await act(() => new Promise(resolve => setTimeout(resolve, 2500)));
    expect(listTaskRuns).toHaveBeenCalledTimes(calls);
  });

  it('renders the report readably and shows each delivery apart from the run, with Retry for failed ones', async () => {
    const retryDelivery = jest.fn(async (id: string) =>
      aDelivery({ id, status: 'queued' }),
    );
    const run = aRun({
      deliveries: [
        aDelivery({
          id: 'd1',
          channel: 'portal',
          status: 'sent',
          messageId: 'n-42',
        }),
        aDelivery({
          id: 'd2',
          channel: 'ops-telegram',
          type: 'telegram',
          status: 'failed',
          attempts: 3,
          sentAt: undefined,
          lastError:
            'Telegram answered 429 Too Many Requests (retry after 30 s)',
          nextAttemptAt: '2026-11-25T10:05:00.000Z',
        }),
        aDelivery({
          id: 'd3',
          channel: 'ops-webhook',
          type: 'webhook',
          status: 'dead',
          attempts: 8,
          sentAt: undefined,
          lastError: 'POST https://hooks.example/… answered 410 Gone',
        }),
      ],
    });
    await renderPage(
      {
        getTask: async () => aTask(),
        listTaskRuns: async () => [run],
        retryDelivery,
      },
      '/?tab=tasks&task=t1',
    );

    const report = await screen.findByRole('region', {
      name: /^Report: Drift Audit/,
    });
    expect(
      within(report).getByText('2 namespaces · 1 critical, 1 harmless'),
    ).toBeInTheDocument();
    // The summary is Markdown.
    expect(
      within(report).getByText('admission control bypass', {
        selector: 'strong',
      }),
    ).toBeInTheDocument();
    const group = within(report).getByRole('region', { name: 'kyverno' });
    const finding = within(group).getByRole('listitem', {
      name: 'ClusterPolicy require-resource-limits: modified in-cluster',
    });
    expect(within(finding).getByText('critical')).toBeInTheDocument();
    expect(
      within(finding).getByText(
        '/spec/validationFailureAction: "Enforce" in Git → "Audit" live',
      ),
    ).toBeInTheDocument();
    expect(
      within(finding).getByText('… and 2 more fields'),
    ).toBeInTheDocument();
    expect(
      within(finding).getByText(/kubectl-edit \(human\) · ops-admin/),
    ).toBeInTheDocument();
    expect(
      within(finding).getByText('"kyverno-drift-response"'),
    ).toBeInTheDocument();
    expect(
      within(finding).getByText('revert in-cluster change or commit to Git.'),
    ).toBeInTheDocument();
    expect(within(finding).getByText(/seen 3× in 14 days/)).toBeInTheDocument();
    expect(
      within(report).getByText('Audit log not configured for 1 namespace'),
    ).toBeInTheDocument();
    expect(
      within(report).getByRole('link', { name: /^Open in the portal/ }),
    ).toHaveAttribute('href', 'http://localhost:3000/hermes?tab=tasks&task=t1');
    expect(
      screen.getByText(
        /2\.5 s · model scripted\/audit-mini · 1200 tokens in, 300 out/,
      ),
    ).toBeInTheDocument();

    // The run succeeded; its deliveries each have their own state.
    expect(screen.getByLabelText('run succeeded')).toBeInTheDocument();
    const sent = screen.getByRole('row', { name: 'Delivery to portal' });
    expect(within(sent).getByText(/message n-42/)).toBeInTheDocument();
    expect(
      within(sent).queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
    const failed = screen.getByRole('row', {
      name: 'Delivery to ops-telegram',
    });
    expect(within(failed).getByText('failed')).toBeInTheDocument();
    expect(within(failed).getByText('3')).toBeInTheDocument();
    expect(
      within(failed).getByText(
        'Telegram answered 429 Too Many Requests (retry after 30 s)',
      ),
    ).toBeInTheDocument();
    // How soon, with the exact time on hover.
    expect(within(failed).getByText(/^next attempt/)).toContainElement(
      within(failed).getByTitle('2026-11-25 10:05 UTC'),
    );
    const dead = screen.getByRole('row', { name: 'Delivery to ops-webhook' });
    expect(
      within(dead).getByText('gave up; the owner was notified'),
    ).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(within(failed).getByRole('button', { name: 'Retry' }));
    });
    expect(retryDelivery).toHaveBeenCalledWith('d2');
    await act(async () => {
      fireEvent.click(within(dead).getByRole('button', { name: 'Retry' }));
    });
    expect(retryDelivery).toHaveBeenCalledWith('d3');
  });

  it("shows why a run was skipped, and a config task's history without Edit or Delete", async () => {
    await renderPage(
      {
        getTask: async () =>
          aTask({
            id: 't2',
            name: 'neuroscale-prod-drift',
            owner: 'config',
            source: 'config',
          }),
        listTaskRuns: async () => [
          aRun({
            status: 'skipped',
            trigger: 'catch-up',
            reason: 'missed while the backend was down (missedRuns: skip)',
            report: undefined,
            deliveries: [],
          }),
        ],
      },
      '/?tab=tasks&task=t2',
    );
    expect(
      await screen.findByText(
        'Skipped: missed while the backend was down (missedRuns: skip)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('catch-up (missed while down)').length,
    ).toBeGreaterThan(0);
    expect(
      screen.getAllByText('declared in app-config').length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByRole('button', { name: /^Edit/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Delete/ }),
    ).not.toBeInTheDocument();
  });

  it('opens a task from the list by its link and goes back, and says when a run is refused', async () => {
    const conflict = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'A run of task t1 is already running',
          },
          response: { statusCode: 409 },
        }),
        { status: 409, headers: { 'content-type': 'application/json' } },
      ),
    );
    await renderPage(
      {
        listTasks: async () => [aTask()],
        getTask: async () => aTask(),
        listTaskRuns: async () => [],
        runTask: async () => {
          throw conflict;
        },
      },
      '/?tab=tasks',
    );
    const link = await screen.findByRole('link', {
      name: 'prod drift every 6h',
    });
    expect(link).toHaveAttribute('href', '/?tab=tasks&task=t1');
    await act(async () => {
      fireEvent.click(link);
    });
    expect(await screen.findByText(/No runs yet/)).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(
        screen.getByRole('button', { name: 'Run prod drift every 6h now' }),
      );
    });
    expect(screen.getByRole('alert')).toHaveTextContent(
      'A run of task t1 is already running',
    );

    await act(async () => {
      fireEvent.click(screen.getByRole('link', { name: '← All tasks' }));
    });
    expect(
      await screen.findByRole('row', { name: 'prod drift every 6h' }),
    ).toBeInTheDocument();
  });
});
