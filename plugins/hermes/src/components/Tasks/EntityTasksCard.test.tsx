import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TaskInput } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { EntityTasksCard } from './EntityTasksCard';
import { aRun, aTask } from './fixtures';

jest.setTimeout(30_000);

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'fraud-detector' },
  spec: {
    type: 'model-endpoint',
    owner: 'group:ranking',
    lifecycle: 'production',
  },
};

describe('EntityTasksCard', () => {
  it("lists the entity's tasks with links to their history, and starts a new one scoped to it", async () => {
    const listTasks = jest.fn(async () => [
      aTask({ entityRef: 'component:default/fraud-detector', lastRun: aRun() }),
    ]);
    const createTask = jest.fn(async (input: TaskInput) =>
      aTask({ id: 't5', name: input.name }),
    );
    await act(async () => {
      await renderInTestApp(
        <EntityProvider entity={entity}>
          <EntityTasksCard />
        </EntityProvider>,
        {
          apis: [
            [
              hermesApiRef,
              {
                listTasks,
                createTask,
                listAudits: async () => ({
                  definitions: ['neuroscale-prod'],
                  audits: [],
                }),
                listDeliveryChannels: async () => [],
                previewSchedule: async (text: string) => ({
                  text,
                  cron: '0 8 * * 1-5',
                  description: 'At 08:00, Monday through Friday',
                  timezone: 'UTC',
                  next: ['2026-11-26T08:00:00.000Z'],
                }),
              },
            ],
          ],
        },
      );
    });

    expect(listTasks).toHaveBeenCalledWith({
      entityRef: 'component:default/fraud-detector',
    });
    const row = await screen.findByRole('row', { name: 'prod drift every 6h' });
    expect(
      within(row).getByRole('link', { name: 'prod drift every 6h' }),
    ).toHaveAttribute('href', '/hermes?tab=tasks&task=t1');
    expect(within(row).getByText('succeeded')).toBeInTheDocument();
    expect(within(row).getByText('portal: sent')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'New task' }));
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    expect(
      within(dialog).getByRole('textbox', { name: 'Entity (optional)' }),
    ).toHaveValue('component:default/fraud-detector');
    expect(
      within(dialog).getByText(
        /No channels configured \(hermes\.delivery\.channels\)/,
      ),
    ).toBeInTheDocument();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'weekday check' },
    });
    fireEvent.mouseDown(
      within(dialog).getByRole('combobox', { name: 'Audit' }),
    );
    fireEvent.click(
      await screen.findByRole('option', { name: 'neuroscale-prod' }),
    );
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Schedule' }),
      {
        target: { value: 'weekdays at 8am' },
      },
    );
    expect(
      await within(dialog).findByText('At 08:00, Monday through Friday'),
    ).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    });
    expect(createTask).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'weekday check',
        audit: 'neuroscale-prod',
        schedule: 'weekdays at 8am',
        entityRef: 'component:default/fraud-detector',
        deliver: [],
      }),
    );
    expect(listTasks).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
