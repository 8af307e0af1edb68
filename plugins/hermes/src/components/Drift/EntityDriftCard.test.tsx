import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { SWRConfig } from 'swr';
import { hermesApiRef } from '../../api';
import { EntityDriftCard } from './EntityDriftCard';
import { audit, entity, finding, NOW } from './fixtures';

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

const critical: DriftFindingRecord = {
  ...finding,
  id: '8',
  classification: 'critical',
  resource: { ...finding.resource, name: 'fraud-detector-canary' },
};
const harmless: DriftFindingRecord = {
  ...finding,
  id: '9',
  classification: 'harmless',
};
// Resolved after this audit found it: no longer open.
const resolved: DriftFindingRecord = {
  ...finding,
  id: '10',
  classification: 'critical',
  history: {
    seen: 1,
    windowDays: 14,
    labels: [
      {
        resolution: 'reverted',
        userRef: 'user:default/ana',
        at: '2026-11-24T10:30:00Z',
      },
    ],
  },
};

async function renderCard(
  api: Record<string, unknown>,
  options: { deny?: string[] } = {},
) {
  const permissionApi = mockApis.permission({
    authorize: request =>
      options.deny?.includes(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  await act(async () => {
    await renderInTestApp(
      // A fresh permission cache per render: usePermission keeps answers for the app's life.
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>
          <EntityDriftCard />
        </EntityProvider>
      </SWRConfig>,
      {
        apis: [
          [
            hermesApiRef,
            {
              listFindings: async () => [finding, critical, harmless, resolved],
              listAudits: async () => ({
                definitions: ['neuroscale-prod'],
                audits: [audit],
              }),
              ...api,
            },
          ],
          [permissionApiRef, permissionApi],
        ],
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name':
            convertLegacyRouteRef(entityRouteRef),
        },
      },
    );
  });
}

describe('EntityDriftCard', () => {
  it('counts open findings by classification, says when the audit ran and links to the Drift tab', async () => {
    const listFindings = jest
      .fn()
      .mockResolvedValue([finding, critical, harmless, resolved]);
    await renderCard({ listFindings });

    expect(listFindings).toHaveBeenCalledWith({
      entityRef: 'component:default/fraud-detector',
      state: 'all',
    });
    const counts = await screen.findByRole('list', {
      name: 'Open findings by classification',
    });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['1 critical', '1 unknown', '1 harmless']);
    expect(
      screen.getByText('3 open findings in the latest audit.'),
    ).toBeInTheDocument();
    const last = screen.getByText(/^Last audit/);
    expect(last).toHaveTextContent('Last audit 1 h ago · neuroscale-prod');
    expect(within(last).getByText('1 h ago')).toHaveAttribute(
      'title',
      '2026-11-24 10:00 UTC',
    );
    expect(screen.getByRole('link', { name: 'Review them' })).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/drift',
    );
    expect(
      screen.getByRole('link', { name: /View drift findings/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/drift',
    );
  });

  it('counts by lifecycle state: silenced and resolved drift is not open, reopened drift is', async () => {
    const listFindings = jest.fn().mockResolvedValue([
      { ...critical, state: 'silenced' },
      { ...harmless, state: 'resolved' },
      // Marked reverted before this audit, still drifting: open again.
      { ...resolved, state: 'open', verification: 'contradicted' },
    ]);
    await renderCard({ listFindings });
    const counts = await screen.findByRole('list', {
      name: 'Open findings by classification',
    });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['1 critical', '0 unknown', '0 harmless']);
  });

  it('runs the audit now and shows the counts it found', async () => {
    const listFindings = jest
      .fn()
      .mockResolvedValueOnce([])
      .mockResolvedValue([critical]);
    const runAudit = jest.fn().mockResolvedValue(audit);
    await renderCard({ listFindings, runAudit });

    expect(
      await screen.findByText('No open drift in the latest audit.'),
    ).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Run audit now' }));
    });
    expect(runAudit).toHaveBeenCalledWith('neuroscale-prod');
    expect(
      await screen.findByText('1 open finding in the latest audit.'),
    ).toBeInTheDocument();
  });

  it('says why the audit did not run', async () => {
    const runAudit = jest
      .fn()
      .mockRejectedValue(new Error('audit neuroscale-prod is already running'));
    await renderCard({ runAudit });
    await act(async () => {
      fireEvent.click(
        await screen.findByRole('button', { name: 'Run audit now' }),
      );
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The audit did not run: audit neuroscale-prod is already running',
    );
  });

  it('shows the counts without a run button to a user who may not run audits', async () => {
    await renderCard(
      {
        // The backend refuses the audit list too; the card still says when drift was found.
        listAudits: async () => {
          throw new Error('not allowed');
        },
      },
      { deny: ['hermes.drift.read'] },
    );
    expect(
      await screen.findByText('3 open findings in the latest audit.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Last audit/)).toHaveTextContent(
      'Last audit 1 h ago',
    );
    expect(
      screen.queryByRole('button', { name: /Run .*now/ }),
    ).not.toBeInTheDocument();
  });
});
