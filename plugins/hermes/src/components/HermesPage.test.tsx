import { renderInTestApp } from '@backstage/frontend-test-utils';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen } from '@testing-library/react';
import { hermesApiRef } from '../api';
import { HermesPage } from './HermesPage';

const status: HermesStatus = {
  version: '0.1.0',
  database: { client: 'better-sqlite3' },
  clusters: [],
  models: [],
  skills: { names: [], errors: [] },
};

describe('HermesPage', () => {
  it('opens on the live status and has the agent chat on its own tab', async () => {
    const listSessions = jest.fn(async () => []);
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              listSessions,
              createChatTransport: jest.fn(),
            },
          ],
        ],
      });
    });

    expect(
      await screen.findByRole('region', { name: 'Backend' }),
    ).toBeVisible();
    expect(screen.getByRole('tab', { name: 'Status' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // The chat loads nothing until it is opened.
    expect(
      screen.queryByRole('textbox', { name: 'Message Hermes' }),
    ).not.toBeInTheDocument();
    expect(listSessions).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'Agent' }));
    });
    expect(
      screen.getByRole('textbox', { name: 'Message Hermes' }),
    ).toBeVisible();
    expect(listSessions).toHaveBeenCalledWith({
      q: undefined,
      entityRef: undefined,
    });
    expect(
      screen.queryByRole('region', { name: 'Backend' }),
    ).not.toBeInTheDocument();
  });
});
