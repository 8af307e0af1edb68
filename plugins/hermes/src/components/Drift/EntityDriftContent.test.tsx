import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { EntityDriftContent } from './EntityDriftContent';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'fraud-detector',
    annotations: { 'backstage.io/kubernetes-id': 'fraud-detector' },
  },
  spec: {
    type: 'model-endpoint',
    owner: 'group:ranking',
    lifecycle: 'production',
  },
};

const finding: DriftFindingRecord = {
  id: '7',
  auditId: 'a1',
  foundAt: '2026-11-24T10:00:00Z',
  fingerprint: 'fp',
  cluster: 'neuroscale-prod',
  resource: {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    namespace: 'serving-stack',
    name: 'fraud-detector',
  },
  labels: { 'backstage.io/kubernetes-id': 'fraud-detector' },
  type: 'modified',
  changes: [
    {
      path: '/metadata/labels/cost-center',
      desired: 'cc-4410',
      live: 'cc-9999',
    },
  ],
  classification: 'unknown',
  reason: 'no triage rule matches',
  attribution: {
    manager: 'kubectl-patch',
    operation: 'Update',
    time: '2026-11-23T22:10:00Z',
    class: 'human',
  },
  history: { seen: 3, windowDays: 14, labels: [] },
};

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
              { listFindings, resolveFinding, listTasks: async () => [] },
            ],
          ],
        },
      );
    });

    expect(listFindings).toHaveBeenCalledWith({
      entityRef: 'component:default/fraud-detector',
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
      within(row).getByText(/kubectl-patch \(human\) · 2026-11-23 22:10 UTC/),
    ).toBeInTheDocument();
    expect(within(row).getByText('seen 3× in 14 days')).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(within(row).getByRole('button', { name: 'Reverted' }));
    });
    expect(resolveFinding).toHaveBeenCalledWith('7', 'reverted');
    expect(listFindings).toHaveBeenCalledTimes(2);
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
              { listFindings: async () => [], listTasks: async () => [] },
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
});
