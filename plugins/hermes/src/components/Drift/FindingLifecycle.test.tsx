import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { SWRConfig } from 'swr';
import { hermesApiRef } from '../../api';
import { EntityDriftContent } from './EntityDriftContent';
import { entity, finding, NOW } from './fixtures';

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

async function renderTab(api: Record<string, unknown>, url = '/') {
  await act(async () => {
    await renderInTestApp(
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>
          <EntityDriftContent />
        </EntityProvider>
      </SWRConfig>,
      {
        apis: [
          [
            hermesApiRef,
            {
              listTasks: async () => [],
              listAudits: async () => ({ definitions: [], audits: [] }),
              skillsForEntity: async (entityRef: string) => ({
                entityRef,
                windowDays: 30,
                skills: [],
              }),
              ...api,
            },
          ],
          [permissionApiRef, mockApis.permission()],
        ],
        initialRouteEntries: [url],
      },
    );
  });
}

const reverted = {
  id: 'e1',
  findingId: '7',
  resolution: 'reverted' as const,
  userRef: 'user:default/ada',
  at: '2026-11-24T08:00:00Z',
  comment: 'rolled back',
  ticket: 'https://tickets.example/OPS-7',
};

const reopened: DriftFindingRecord = {
  ...finding,
  state: 'open',
  verification: 'contradicted',
  stateReason: 'marked reverted by user:default/ada 2 h ago, still drifting',
  events: [reverted],
  history: {
    ...finding.history,
    seen: 2,
    episodes: 4,
    firstSeen: '2026-11-22T10:00:00Z',
    lastSeen: '2026-11-24T10:00:00Z',
    previousEpisodes: [
      {
        startedAt: '2026-11-10T10:00:00Z',
        endedAt: '2026-11-11T10:00:00Z',
        resolution: 'committed',
        resolvedBy: 'user:default/bob',
        verification: 'confirmed',
      },
    ],
  },
};

describe('finding lifecycle', () => {
  it('warns that a drift marked reverted is still drifting, with its history', async () => {
    await renderTab({ listFindings: async () => [reopened] });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    expect(within(row).getByRole('alert')).toHaveTextContent(
      'Reopened: marked reverted by user:default/ada 2 h ago, still drifting',
    );
    expect(within(row).getByLabelText('state open')).toBeVisible();
    expect(
      within(row).getByText(/^seen 2× in 14 days \(4 episodes ever\)/),
    ).toHaveTextContent(
      'seen 2× in 14 days (4 episodes ever) · first seen 2 d ago · last seen 1 h ago',
    );
  });

  it('records a resolution with the comment and ticket link given', async () => {
    const resolveFinding = jest.fn().mockResolvedValue(undefined);
    await renderTab({ listFindings: async () => [finding], resolveFinding });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    fireEvent.click(within(row).getByRole('button', { name: 'Reverted' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Mark InferenceService fraud-detector reverted?',
    });
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Comment (optional)' }),
      { target: { value: 'rolled back with kubectl apply' } },
    );
    const ticket = within(dialog).getByRole('textbox', {
      name: 'Ticket link (optional)',
    });
    fireEvent.change(ticket, { target: { value: 'OPS-7' } });
    expect(within(dialog).getByText(/A ticket is a link/)).toBeVisible();
    expect(
      within(dialog).getByRole('button', { name: 'Record' }),
    ).toBeDisabled();
    fireEvent.change(ticket, {
      target: { value: 'https://tickets.example/OPS-7' },
    });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Record' }));
    });
    expect(resolveFinding).toHaveBeenCalledWith('7', 'reverted', {
      comment: 'rolled back with kubectl apply',
      ticket: 'https://tickets.example/OPS-7',
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('silences a drift for 7 days from now, with a comment', async () => {
    const resolveFinding = jest.fn().mockResolvedValue(undefined);
    const listFindings = jest.fn().mockResolvedValue([finding]);
    await renderTab({ listFindings, resolveFinding });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    fireEvent.click(
      within(row).getByRole('button', { name: 'Silence 7 days' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Silence InferenceService fraud-detector for 7 days?',
    });
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Comment (optional)' }),
      { target: { value: 'waiting for the upgrade' } },
    );
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Silence' }));
    });
    expect(resolveFinding).toHaveBeenCalledWith('7', 'harmless', {
      comment: 'waiting for the upgrade',
      silenceUntil: '2026-12-01T11:00:00.000Z',
    });
    expect(listFindings).toHaveBeenCalledTimes(2);
  });

  it('keeps the dialog open with the reason when the backend refuses', async () => {
    const resolveFinding = jest
      .fn()
      .mockRejectedValue(new Error('comment: at most 2000 characters'));
    await renderTab({ listFindings: async () => [finding], resolveFinding });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    fireEvent.click(within(row).getByRole('button', { name: 'Harmless' }));
    const dialog = screen.getByRole('dialog');
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Record' }));
    });
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'comment: at most 2000 characters',
    );
  });

  it('undoes the latest resolution and reloads', async () => {
    const undoResolution = jest.fn().mockResolvedValue({
      ...reverted,
      undoneAt: '2026-11-24T11:00:00Z',
    });
    const listFindings = jest.fn().mockResolvedValue([reopened]);
    await renderTab({ listFindings, undoResolution });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    await act(async () => {
      fireEvent.click(
        within(row).getByRole('button', {
          name: 'Undo reverted of fraud-detector',
        }),
      );
    });
    expect(undoResolution).toHaveBeenCalledWith('7');
    expect(listFindings).toHaveBeenCalledTimes(2);
  });

  it('offers no Undo when nothing was recorded', async () => {
    await renderTab({ listFindings: async () => [finding] });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    expect(
      within(row).queryByRole('button', { name: /^Undo/ }),
    ).not.toBeInTheDocument();
  });

  it('links the Git file, Argo CD, the audit report and the skill, and lists events and episodes', async () => {
    const linked: DriftFindingRecord = {
      ...reopened,
      skill: 'kserve-labels',
      links: {
        git: 'https://github.example/ops/deploy/blob/abc123/serving/fraud.yaml',
        argocd:
          'https://argocd.example/applications/serving?resource=InferenceService',
        report: '/hermes?tab=drift&audit=a1',
        skill: '/hermes?tab=skills&skill=kserve-labels',
      },
    };
    await renderTab({ listFindings: async () => [linked] }, '/?finding=7');
    const details = await screen.findByRole('region', {
      name: 'Finding InferenceService fraud-detector',
    });
    // External links add ", Opens in a new window" to their names.
    const href = (name: string) =>
      within(details)
        .getByRole('link', { name: n => n.startsWith(name) })
        .getAttribute('href');
    expect(href('Manifest in Git')).toBe(linked.links!.git);
    expect(href('Argo CD')).toBe(linked.links!.argocd);
    expect(href('Audit report')).toBe('/hermes?tab=drift&audit=a1');
    expect(href('Skill kserve-labels')).toBe(
      '/hermes?tab=skills&skill=kserve-labels',
    );
    expect(href('ticket')).toBe('https://tickets.example/OPS-7');

    expect(
      within(details).getByRole('list', { name: 'Resolution events' }),
    ).toHaveTextContent('reverted by user:default/ada · 3 h ago — rolled back');
    expect(
      within(details).getByRole('list', { name: 'Previous episodes' }),
    ).toHaveTextContent(
      '14 d ago → gone 13 d ago · committed to Git by user:default/bob (confirmed)',
    );
  });
});
