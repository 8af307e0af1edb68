import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { hermesApiRef } from '../../api';
import { EntityDriftContent } from './EntityDriftContent';
import { audit, entity, finding, NOW } from './fixtures';

const noAudits = async () => ({ definitions: [], audits: [] });
const noSkills = async (entityRef: string) => ({
  entityRef,
  windowDays: 30,
  skills: [],
});

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

describe('EntityDriftContent', () => {
  it("lists the entity's findings with the change, who made it, and its history; resolutions are recorded", async () => {
    const listFindings = jest.fn().mockResolvedValue([finding]);
    const resolveFinding = jest.fn().mockResolvedValue(undefined);
    await act(async () => {
      await renderInTestApp(
        <EntityProvider entity={entity}>
          <EntityDriftContent />
        </EntityProvider>,
        {
          apis: [
            [
              hermesApiRef,
              {
                listFindings,
                resolveFinding,
                listTasks: async () => [],
                listAudits: noAudits,
                skillsForEntity: noSkills,
              },
            ],
          ],
        },
      );
    });

    expect(listFindings).toHaveBeenCalledWith({
      entityRef: 'component:default/fraud-detector',
      state: 'all',
    });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    expect(within(row).getByText('unknown')).toBeInTheDocument();
    expect(
      within(row).getByText(
        '/metadata/labels/cost-center: "cc-4410" in Git → "cc-9999" live',
      ),
    ).toBeInTheDocument();
    expect(
      within(row).getByText(/kubectl-patch \(human\) ·/),
    ).toHaveTextContent('kubectl-patch (human) · 13 h ago');
    expect(within(row).getByText('13 h ago')).toHaveAttribute(
      'title',
      '2026-11-23 22:10 UTC',
    );
    expect(within(row).getByText('seen 3× in 14 days')).toBeInTheDocument();

    // A resolution asks for an optional comment and ticket first (FindingLifecycle.test).
    fireEvent.click(within(row).getByRole('button', { name: 'Reverted' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Record' }));
    });
    expect(resolveFinding).toHaveBeenCalledWith('7', 'reverted', {});
    expect(listFindings).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it("shows the model's suggestion apart from the classification, and how the drift was resolved before", async () => {
    const suggested: DriftFindingRecord = {
      ...finding,
      suggestion: {
        classification: 'harmless',
        reason: 'cost-center labels are re-tagged by finance every quarter',
        confidence: 0.8,
        model: 'audit-small',
      },
      history: {
        seen: 3,
        windowDays: 14,
        lastResolution: {
          resolution: 'reverted',
          userRef: 'user:default/ana',
          at: '2026-11-20T10:00:00Z',
        },
        labels: [
          {
            resolution: 'reverted',
            userRef: 'user:default/bob',
            at: '2026-11-12T10:00:00Z',
          },
          {
            resolution: 'committed',
            userRef: 'user:default/bob',
            at: '2026-11-15T10:00:00Z',
          },
          {
            resolution: 'reverted',
            userRef: 'user:default/ana',
            note: 'finance asked to keep cc-4410',
            at: '2026-11-20T10:00:00Z',
          },
        ],
      },
    };
    await act(async () => {
      await renderInTestApp(
        <EntityProvider entity={entity}>
          <EntityDriftContent />
        </EntityProvider>,
        {
          apis: [
            [
              hermesApiRef,
              {
                listFindings: async () => [suggested],
                listTasks: async () => [],
                listAudits: noAudits,
                skillsForEntity: noSkills,
              },
            ],
          ],
        },
      );
    });

    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    // A suggestion never classifies: the finding stays unknown.
    expect(within(row).getByText('unknown')).toBeInTheDocument();
    const suggestion = within(row).getByRole('button', {
      name: 'suggested: harmless — model, 0.8',
    });
    expect(suggestion).toHaveAttribute(
      'title',
      'cost-center labels are re-tagged by finance every quarter',
    );
    expect(
      within(row).queryByText(/re-tagged by finance/),
    ).not.toBeInTheDocument();
    fireEvent.click(suggestion);
    expect(
      within(row).getByText(
        'audit-small: cost-center labels are re-tagged by finance every quarter Only an approved rule classifies drift.',
      ),
    ).toBeInTheDocument();
    expect(
      within(row).getByText(
        'seen 3× in 14 days · resolved: reverted ×2, committed to Git (last by user:default/ana)',
      ),
    ).toBeInTheDocument();
  });

  it('says what history says about similar drift: other manual edits of the same kind', async () => {
    const similar: DriftFindingRecord = {
      ...finding,
      history: {
        seen: 1,
        windowDays: 14,
        labels: [],
        similar: {
          count: 3,
          resolutions: { harmless: 0, reverted: 2, committed: 0, critical: 0 },
          unresolved: 0,
          description:
            '3rd manual InferenceService edit in 14 days; previous 2 resolved by reverting',
        },
      },
    };
    await act(async () => {
      await renderInTestApp(
        <EntityProvider entity={entity}>
          <EntityDriftContent />
        </EntityProvider>,
        {
          apis: [
            [
              hermesApiRef,
              {
                listFindings: async () => [similar],
                listTasks: async () => [],
                listAudits: noAudits,
                skillsForEntity: noSkills,
              },
            ],
          ],
        },
      );
    });
    const row = await screen.findByRole('row', {
      name: 'InferenceService fraud-detector',
    });
    expect(
      within(row).getByText(
        'seen 1× in 14 days · 3rd manual InferenceService edit in 14 days; previous 2 resolved by reverting',
      ),
    ).toBeInTheDocument();
  });

  it('shows the skills that apply to the entity below its drift, linked to each skill', async () => {
    const skillsForEntity = jest.fn().mockResolvedValue({
      entityRef: 'component:default/fraud-detector',
      windowDays: 30,
      skills: [
        {
          name: 'cost-labels',
          description: 'Cost-center labels feed chargeback.',
          matches: [],
          decided: { harmless: 0, critical: 1 },
          ruleMatches: 1,
        },
      ],
    });
    await renderTab({ skillsForEntity });
    expect(skillsForEntity).toHaveBeenCalledWith(
      'component:default/fraud-detector',
    );
    const skills = await screen.findByRole('list', {
      name: 'Skills for this entity',
    });
    expect(
      within(skills).getByRole('link', { name: 'cost-labels' }),
    ).toHaveAttribute('href', '/hermes?tab=skills&skill=cost-labels');
    expect(
      within(skills).getByText(
        'Classified 1 finding critical in the last 30 days.',
      ),
    ).toBeInTheDocument();
  });

  it('says so when the workloads have no drift', async () => {
    await act(async () => {
      await renderInTestApp(
        <EntityProvider entity={entity}>
          <EntityDriftContent />
        </EntityProvider>,
        {
          apis: [
            [
              hermesApiRef,
              {
                listFindings: async () => [],
                listTasks: async () => [],
                listAudits: noAudits,
                skillsForEntity: noSkills,
              },
            ],
          ],
        },
      );
    });
    expect(
      await screen.findByText(
        "No drift found for this entity's workloads in the latest audit.",
      ),
    ).toBeInTheDocument();
  });
  it('says when the last audit ran and runs one now for a user allowed to', async () => {
    const runAudit = jest.fn().mockResolvedValue(audit);
    const listAudits = jest
      .fn()
      .mockResolvedValue({ definitions: ['neuroscale-prod'], audits: [audit] });
    await renderTab({ listAudits, runAudit });

    const card = await screen.findByText(/^Last audit/);
    expect(card).toHaveTextContent('Last audit 1 h ago · neuroscale-prod');
    expect(within(card).getByText('1 h ago')).toHaveAttribute(
      'title',
      '2026-11-24 10:00 UTC',
    );
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Run audit now' }));
    });
    expect(runAudit).toHaveBeenCalledWith('neuroscale-prod');
    // The findings and the audit time are read again after the run.
    expect(listAudits).toHaveBeenCalledTimes(2);
  });

  it('offers no audit run to a user the permission policy denies hermes.drift.read', async () => {
    await renderTab(
      {
        listAudits: async () => ({
          definitions: ['neuroscale-prod'],
          audits: [audit],
        }),
      },
      { deny: ['hermes.drift.read'] },
    );
    expect(await screen.findByText(/^Last audit/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Run .*now/ }),
    ).not.toBeInTheDocument();
  });

  it('opens the finding a link names (?finding=), and a click on a row sets the link', async () => {
    const other: DriftFindingRecord = {
      ...finding,
      id: '8',
      resource: { ...finding.resource, name: 'ranker' },
    };
    await renderTab(
      { listFindings: async () => [finding, other] },
      { url: '/?finding=7' },
    );
    const details = await screen.findByRole('region', {
      name: 'Finding InferenceService fraud-detector',
    });
    expect(
      within(details).getByText('serving.kserve.io/v1beta1 InferenceService'),
    ).toBeVisible();
    expect(
      within(details).getByText(/^cluster neuroscale-prod · found/),
    ).toHaveTextContent('cluster neuroscale-prod · found 1 h ago by audit a1');
    expect(
      screen.getByRole('button', {
        name: 'Details of InferenceService fraud-detector',
      }),
    ).toHaveAttribute('aria-expanded', 'true');
    expect(
      screen.queryByRole('region', { name: 'Finding InferenceService ranker' }),
    ).not.toBeInTheDocument();

    fireEvent.click(
      within(
        screen.getByRole('row', { name: 'InferenceService ranker' }),
      ).getByText('1 field differs from Git'),
    );
    expect(screen.getByTestId('location')).toHaveTextContent('?finding=8');
    expect(
      screen.getByRole('region', { name: 'Finding InferenceService ranker' }),
    ).toBeVisible();
    expect(
      screen.queryByRole('region', {
        name: 'Finding InferenceService fraud-detector',
      }),
    ).not.toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Details of InferenceService ranker',
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(/^$/);
  });

  it('says so when a linked finding is not among the latest', async () => {
    await renderTab({}, { url: '/?finding=99' });
    expect(
      await screen.findByText(/Finding 99 is not among the latest findings/),
    ).toBeInTheDocument();
  });

  it('keeps long Kubernetes names on one line, cut, with the whole name on hover', async () => {
    const name =
      'require-resource-limits-and-requests-on-every-inference-service-container';
    const long: DriftFindingRecord = {
      ...finding,
      resource: {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        name,
      },
    };
    await renderTab({ listFindings: async () => [long] });
    const row = await screen.findByRole('row', {
      name: `ClusterPolicy ${name}`,
    });
    const shown = within(row).getByText(`ClusterPolicy ${name}`);
    expect(shown).toHaveAttribute('title', `ClusterPolicy ${name}`);
    expect(shown).toHaveStyle({
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    });
    fireEvent.mouseOver(shown);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `ClusterPolicy ${name}`,
    );
    for (const header of screen.getAllByRole('columnheader')) {
      expect(header).toHaveStyle({ whiteSpace: 'nowrap' });
    }
    expect(
      screen.getByRole('columnheader', { name: 'Classification' }),
    ).toBeVisible();
  });
});

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

async function renderTab(
  api: Record<string, unknown>,
  options: { deny?: string[]; url?: string } = {},
) {
  const permissionApi = mockApis.permission({
    authorize: request =>
      options.deny?.includes(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  await act(async () => {
    // A fresh permission cache per render: usePermission keeps answers for the app's life.
    await renderInTestApp(
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>
          <EntityDriftContent />
          <Location />
        </EntityProvider>
      </SWRConfig>,
      {
        apis: [
          [
            hermesApiRef,
            {
              listFindings: async () => [finding],
              listTasks: async () => [],
              listAudits: noAudits,
              skillsForEntity: noSkills,
              ...api,
            },
          ],
          [permissionApiRef, permissionApi],
        ],
        initialRouteEntries: [options.url ?? '/'],
      },
    );
  });
}
