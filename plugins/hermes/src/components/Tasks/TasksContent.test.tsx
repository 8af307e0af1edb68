import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TaskInput } from '@hermes-backstage/plugin-hermes-common';
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

const ACCEPTED =
  'Cannot read the schedule "whenever it rains": use a cron expression ("0 */6 * * *"), an interval ("every 6h", "every 30 minutes") or a phrase ("daily at 09:00", "weekdays at 8am", "every monday 07:30")';

async function badRequest(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'InputError', message },
        response: { statusCode: 400 },
      }),
      { status: 400, headers: { 'content-type': 'application/json' } },
    ),
  );
}

/** The tasks routes of a backend with one task of each source and two channels. */
function backend(overrides: Partial<HermesApi> = {}): Partial<HermesApi> {
  return {
    getStatus: jest.fn(),
    listAudits: async () => ({ definitions: ['neuroscale-prod'], audits: [] }),
    listDeliveryChannels: async () => [
      { name: 'portal', type: 'notifications' },
      { name: 'ops-telegram', type: 'telegram', reachable: true },
    ],
    listTasks: jest.fn(async () => [
      aTask({
        lastRun: aRun({
          status: 'failed',
          reason: 'audit "neuroscale-prod" timed out after 5 minutes',
          deliveries: [
            aDelivery({ channel: 'portal', status: 'sent' }),
            aDelivery({
              id: 'd2',
              channel: 'ops-telegram',
              type: 'telegram',
              status: 'failed',
              lastError: 'Telegram answered 429: retry after 30 s',
            }),
          ],
        }),
      }),
      aTask({
        id: 't2',
        name: 'neuroscale-prod-drift',
        owner: 'config',
        source: 'config',
      }),
    ]),
    previewSchedule: jest.fn(async (text: string, timezone?: string) => {
      if (text === 'whenever it rains') throw await badRequest(ACCEPTED);
      return {
        text,
        cron: '0 */6 * * *',
        description: 'At 0 minutes past the hour, every 6 hours',
        timezone: timezone ?? 'UTC',
        next: [
          '2026-11-25T12:00:00.000Z',
          '2026-11-25T18:00:00.000Z',
          '2026-11-26T00:00:00.000Z',
        ],
      };
    }),
    ...overrides,
  };
}

async function renderTasks(api: Partial<HermesApi>, route = '/?tab=tasks') {
  await act(async () => {
    await renderInTestApp(<HermesPage />, {
      initialRouteEntries: [route],
      apis: [[hermesApiRef, api]],
    });
  });
}

async function pick(label: string, option: string) {
  fireEvent.mouseDown(screen.getByRole('combobox', { name: label }));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

// A dialog full of MUI fields renders slowly in jsdom on a shared machine.
jest.setTimeout(30_000);

describe('TasksContent', () => {
  it('lists tasks with the schedule in words, the next run, and the run and delivery status apart', async () => {
    await renderTasks(backend());

    const row = await screen.findByRole('row', { name: 'prod drift every 6h' });
    expect(
      within(row).getByText('At 0 minutes past the hour, every 6 hours'),
    ).toBeInTheDocument();
    expect(within(row).getByText('every 6h')).toBeInTheDocument();
    expect(within(row).getByText('2026-11-25 12:00 UTC')).toBeInTheDocument();
    // The run failed, yet one channel was sent and the other waits for a retry.
    expect(within(row).getByText('failed')).toBeInTheDocument();
    expect(within(row).getByText('portal: sent')).toBeInTheDocument();
    expect(within(row).getByText('ops-telegram: failed')).toBeInTheDocument();
    expect(
      within(row).getByRole('button', { name: 'Edit prod drift every 6h' }),
    ).toBeEnabled();

    const declared = screen.getByRole('row', { name: 'neuroscale-prod-drift' });
    expect(
      within(declared).getByText('declared in app-config'),
    ).toBeInTheDocument();
    expect(within(declared).getByText('never run')).toBeInTheDocument();
    expect(
      within(declared).queryByRole('button', { name: /^Edit/ }),
    ).not.toBeInTheDocument();
    expect(
      within(declared).queryByRole('button', { name: /^Delete/ }),
    ).not.toBeInTheDocument();
    expect(
      within(declared).getByRole('button', {
        name: 'Run neuroscale-prod-drift now',
      }),
    ).toBeEnabled();
  });

  it('creates a drift-audit task from the dialog, previewing its schedule, and opens its history', async () => {
    const createTask = jest.fn(async (input: TaskInput) =>
      aTask({ id: 't9', name: input.name }),
    );
    const getTask = jest.fn(async (id: string) =>
      aTask({ id, name: 'prod drift every 6h' }),
    );
    const api = backend({
      createTask,
      getTask,
      listTaskRuns: async () => [],
    });
    await renderTasks(api);

    fireEvent.click(await screen.findByRole('button', { name: 'New task' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'prod drift every 6h' },
    });
    await pick('Audit', 'neuroscale-prod');
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Schedule' }),
      {
        target: { value: 'every 6h' },
      },
    );
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Time zone' }),
      {
        target: { value: 'Europe/Berlin' },
      },
    );

    // The preview asks once typing pauses, and reads the times in the task's zone.
    const preview = within(dialog).getByRole('status', {
      name: 'Schedule preview',
    });
    expect(
      await within(preview).findByText(
        'At 0 minutes past the hour, every 6 hours',
      ),
    ).toBeInTheDocument();
    expect(
      within(within(preview).getByRole('list', { name: 'Next runs' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      '2026-11-25 13:00 Europe/Berlin',
      '2026-11-25 19:00 Europe/Berlin',
      '2026-11-26 01:00 Europe/Berlin',
    ]);
    expect(api.previewSchedule).toHaveBeenLastCalledWith(
      'every 6h',
      'Europe/Berlin',
    );

    await pick('Deliver to', 'portal (notifications)');
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    });

    expect(createTask).toHaveBeenCalledWith({
      name: 'prod drift every 6h',
      kind: 'drift-audit',
      audit: 'neuroscale-prod',
      schedule: 'every 6h',
      timezone: 'Europe/Berlin',
      deliver: ['portal'],
      enabled: true,
      missedRuns: 'run-once',
    });
    expect(getTask).toHaveBeenCalledWith('t9');
    expect(
      await screen.findByText(
        'No runs yet. Run now, or wait for the next scheduled time.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the server's accepted forms for a schedule it cannot read, and keeps what was typed on a refused save", async () => {
    const createTask = jest.fn(async (_: TaskInput) => {
      throw await badRequest(ACCEPTED);
    });
    await renderTasks(backend({ createTask }));

    fireEvent.click(await screen.findByRole('button', { name: 'New task' }));
    const dialog = await screen.findByRole('dialog');
    await pick('Kind', 'Agent prompt');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'weather' },
    });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Prompt' }), {
      target: { value: 'Summarise drift' },
    });
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Schedule' }),
      {
        target: { value: 'whenever it rains' },
      },
    );
    const preview = within(dialog).getByRole('status', {
      name: 'Schedule preview',
    });
    expect(await within(preview).findByText(ACCEPTED)).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    });
    // An agent task sends its prompt and no audit.
    expect(createTask).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'weather',
        kind: 'agent',
        prompt: 'Summarise drift',
        schedule: 'whenever it rains',
      }),
    );
    expect(createTask.mock.calls[0]).not.toHaveProperty('0.audit');
    expect(within(dialog).getAllByText(ACCEPTED)).toHaveLength(2);
    expect(within(dialog).getByRole('textbox', { name: 'Prompt' })).toHaveValue(
      'Summarise drift',
    );
  });

  it('edits a task by sending only what changed, and deletes one after confirming', async () => {
    const updateTask = jest.fn(async () => aTask());
    const deleteTask = jest.fn(async () => undefined);
    const api = backend({ updateTask, deleteTask });
    await renderTasks(api);

    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit prod drift every 6h' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit task prod drift every 6h',
    });
    expect(
      within(dialog).getByRole('textbox', { name: 'Schedule' }),
    ).toHaveValue('every 6h');
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Schedule' }),
      {
        target: { value: 'weekdays at 8am' },
      },
    );
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Enabled' }));
    // The list reloads after the edit and after the delete (and on its own timer too).
    const loads = () => (api.listTasks as jest.Mock).mock.calls.length;
    const beforeSave = loads();
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    });
    expect(updateTask).toHaveBeenCalledWith('t1', {
      schedule: 'weekdays at 8am',
      enabled: false,
    });
    await waitFor(() => expect(loads()).toBeGreaterThan(beforeSave));

    fireEvent.click(
      screen.getByRole('button', { name: 'Delete prod drift every 6h' }),
    );
    const confirm = await screen.findByRole('dialog', {
      name: 'Delete task prod drift every 6h?',
    });
    expect(deleteTask).not.toHaveBeenCalled();
    const beforeDelete = loads();
    await act(async () => {
      fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    });
    expect(deleteTask).toHaveBeenCalledWith('t1');
    await waitFor(() => expect(loads()).toBeGreaterThan(beforeDelete));
  });
});
