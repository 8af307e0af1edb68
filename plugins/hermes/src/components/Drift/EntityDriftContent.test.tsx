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
  history: { seen: 3, windowDays: 14 },
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
