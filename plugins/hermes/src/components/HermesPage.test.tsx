import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  DriftFindingRecord,
  HermesStatus,
} from '@hermes-backstage/plugin-hermes-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { audit as driftAudit, finding } from './Drift/fixtures';
import { hermesApiRef } from '../api';
import {
  HERMES_SUBTITLE,
  HermesPage,
  HermesPageWithHeader,
} from './HermesPage';
import { audit, knativeCandidate } from './Learning/fixtures';

const status: HermesStatus = {
  version: '0.1.0',
  database: { client: 'better-sqlite3' },
  clusters: [],
  models: [],
  skills: { names: [], errors: [] },
};

describe('HermesPage', () => {
  it('has a page header with the title and what Hermes does', async () => {
    await act(async () => {
      await renderInTestApp(<HermesPageWithHeader />, {
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
            },
          ],
        ],
      });
    });
    expect(
      screen.getByRole('heading', { level: 1, name: 'Hermes' }),
    ).toBeVisible();
    expect(screen.getByText(HERMES_SUBTITLE)).toBeVisible();
    expect(
      await screen.findByRole('region', { name: 'Backend' }),
    ).toBeVisible();
  });

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

  it('opens the conversation a memory link names, on the Agent tab', async () => {
    const getSession = jest.fn(async (id: string) => ({
      id,
      userRef: 'user:default/guest',
      title: 'Ranker replicas',
      createdAt: '2026-11-24T10:00:00Z',
      updatedAt: '2026-11-24T10:05:00Z',
      messages: [
        {
          id: 'm1',
          role: 'user' as const,
          parts: [{ type: 'text' as const, text: 'How many replicas?' }],
        },
      ],
    }));
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        initialRouteEntries: ['/?session=6b1f0c1e-0000-4000-8000-000000000001'],
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              listSessions: jest.fn(async () => []),
              getSession,
              createChatTransport: jest.fn(),
            },
          ],
        ],
      });
    });
    expect(screen.getByRole('tab', { name: 'Agent' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(await screen.findByText('How many replicas?')).toBeVisible();
    expect(getSession).toHaveBeenCalledWith(
      '6b1f0c1e-0000-4000-8000-000000000001',
    );
  });

  it("opens the approval inbox the approvers' notification links to", async () => {
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        initialRouteEntries: ['/?tab=approvals'],
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              listApprovals: async () => [],
            },
          ],
        ],
      });
    });
    expect(screen.getByRole('tab', { name: 'Approvals' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByText('Nothing waits for your approval'),
    ).toBeVisible();
  });

  it('has a Tasks tab that loads the scheduled tasks when opened', async () => {
    const listTasks = jest.fn(async () => [
      {
        id: 't1',
        name: 'neuroscale-prod-drift',
        owner: 'config',
        source: 'config' as const,
        kind: 'drift-audit' as const,
        audit: 'neuroscale-prod',
        schedule: {
          text: 'every 6h',
          cron: '0 */6 * * *',
          description: 'At 0 minutes past the hour, every 6 hours',
          timezone: 'UTC',
          next: ['2026-11-25T12:00:00.000Z'],
        },
        deliver: ['portal'],
        enabled: true,
        missedRuns: 'run-once' as const,
        createdAt: '2026-11-25T09:00:00Z',
        updatedAt: '2026-11-25T09:00:00Z',
      },
    ]);
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              listTasks,
            },
          ],
        ],
      });
    });
    expect(listTasks).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'Tasks' }));
    });
    expect(screen.getByRole('tab', { name: 'Tasks' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const row = await screen.findByRole('row', {
      name: 'neuroscale-prod-drift',
    });
    expect(row).toHaveTextContent('At 0 minutes past the hour, every 6 hours');
    expect(row).toHaveTextContent('declared in app-config');
    expect(listTasks).toHaveBeenCalledTimes(1);
  });

  it('has a Learning tab that loads the learned rules and their effect when opened', async () => {
    const listCandidates = jest.fn(async () => [knativeCandidate]);
    const learningMetrics = jest.fn(async () => ({
      audits: [audit(1, 12, 14), audit(2, 3, 2)],
      skills: [],
    }));
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              listCandidates,
              learningMetrics,
              listReflections: async () => [],
            },
          ],
        ],
      });
    });
    expect(listCandidates).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'Learning' }));
    });
    expect(screen.getByRole('tab', { name: 'Learning' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      await screen.findByRole('article', {
        name: 'harmless rule in knative-autoscaler-drift: Knative autoscaler reconciliation',
      }),
    ).toBeVisible();
    expect(
      screen.getByRole('img', {
        name: /model calls went from 12 to 3, unknown findings went from 14 to 2/,
      }),
    ).toBeVisible();
    expect(listCandidates).toHaveBeenCalledWith({});
  });

  it('has a Drift tab with drift of every cluster, objects no entity owns included, paged', async () => {
    // A Kyverno policy: cluster-scoped, owned by no catalog entity.
    const unmapped: DriftFindingRecord = {
      ...finding,
      id: '21',
      cluster: 'neuroscale-staging',
      resource: {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        name: 'require-resource-limits',
      },
      labels: {},
      state: 'open',
    };
    const pageFindings = jest.fn(async (query: { offset?: number }) => ({
      findings: query.offset ? [{ ...finding, id: '99' }] : [unmapped],
      total: 26,
      limit: 25,
      offset: query.offset ?? 0,
    }));
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
              pageFindings,
            },
          ],
        ],
        initialRouteEntries: ['/?tab=drift'],
      });
    });
    expect(screen.getByRole('tab', { name: 'Drift' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const row = await screen.findByRole('row', {
      name: 'ClusterPolicy require-resource-limits',
    });
    expect(row).toHaveTextContent('cluster-scoped · neuroscale-staging');
    expect(pageFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'open', limit: 25, offset: 0 }),
    );
    expect(screen.getByText('1–25 of 26')).toBeVisible();

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Go to next page' }));
    });
    expect(pageFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ limit: 25, offset: 25 }),
    );
    expect(
      await screen.findByRole('row', {
        name: 'InferenceService fraud-detector',
      }),
    ).toBeVisible();
    expect(screen.getByText('26–26 of 26')).toBeVisible();

    // An owner filters to the drift of that team's workloads, from the first page.
    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'group:default/ranking' },
    });
    await waitFor(() =>
      expect(pageFindings).toHaveBeenLastCalledWith(
        expect.objectContaining({ owner: 'group:default/ranking', offset: 0 }),
      ),
    );
  });

  it('opens the audit report page where finding reports link', async () => {
    const pageFindings = jest.fn(async () => ({
      findings: [{ ...finding, state: 'resolved' as const }],
      total: 1,
      limit: 500,
      offset: 0,
    }));
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              listAudits: async () => ({ definitions: [], audits: [] }),
              getAudit: async () => driftAudit,
              pageFindings,
            },
          ],
        ],
        initialRouteEntries: ['/hermes?tab=drift&audit=a1'],
      });
    });
    expect(
      await screen.findByText('Drift audit of neuroscale-prod'),
    ).toBeVisible();
    const card = await screen.findByRole('article', {
      name: 'InferenceService fraud-detector',
    });
    expect(within(card).getByLabelText('state resolved')).toBeVisible();
    expect(pageFindings).toHaveBeenCalledWith(
      expect.objectContaining({ auditId: 'a1', state: 'all' }),
    );

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show all drift' }));
    });
    expect(pageFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'open' }),
    );
    expect(pageFindings.mock.lastCall).not.toHaveProperty('0.auditId');
  });
});
