import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../../api';
import { DriftContent } from '../DriftContent';
import {
  argoFinding,
  extraFinding,
  finding,
  NOW,
  policyFinding,
  reportAudit,
  secretFinding,
} from '../fixtures';

const findings = [
  finding,
  extraFinding,
  secretFinding,
  argoFinding,
  policyFinding,
];

// jsdom has no clipboard; this one keeps what was written, as the browser's would.
let clipboard = '';
beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  clipboard = '';
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: async (text: string) => {
        clipboard = text;
      },
    },
  });
});
afterEach(() => jest.restoreAllMocks());
// Each card carries MUI buttons, tooltips and a diff viewer: slow in jsdom on a busy machine.
jest.setTimeout(30_000);

async function renderReport(api: Record<string, unknown> = {}, url = '') {
  const pageFindings = jest.fn(async (query: { offset?: number }) => ({
    findings: query.offset ? [] : findings,
    total: findings.length,
    limit: 500,
    offset: query.offset ?? 0,
  }));
  const getAudit = jest.fn(async () => reportAudit);
  await act(async () => {
    await renderInTestApp(<DriftContent />, {
      apis: [
        [
          hermesApiRef,
          {
            getAudit,
            pageFindings,
            listAudits: async () => ({ definitions: [], audits: [] }),
            ...api,
          },
        ],
      ],
      initialRouteEntries: [`/hermes?tab=drift&audit=a1${url}`],
    });
  });
  return { pageFindings, getAudit };
}

const card = (name: string) => screen.getByRole('article', { name });

/** The diff's lines as the two sides show them: [desired, live]. */
function diffLines(region: HTMLElement): Array<[string, string]> {
  return within(region)
    .getAllByRole('row')
    .map(row => {
      const cells = within(row).queryAllByRole('cell');
      return [cells[2]?.textContent ?? '', cells[5]?.textContent ?? ''] as [
        string,
        string,
      ];
    })
    .filter(([desired, live]) => desired || live);
}

describe('audit report page', () => {
  it('shows what ran: cluster, when, trigger, counts, warnings, narrative', async () => {
    const { getAudit, pageFindings } = await renderReport();
    expect(getAudit).toHaveBeenCalledWith('a1');
    expect(pageFindings).toHaveBeenCalledWith(
      expect.objectContaining({ auditId: 'a1', state: 'all' }),
    );
    expect(
      screen.getByText('Drift audit of neuroscale-prod'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 h ago')).toHaveAccessibleDescription(
      '2026-11-24 09:59 UTC',
    );
    expect(screen.getByText('schedule')).toBeInTheDocument();
    expect(screen.getByText('succeeded')).toBeInTheDocument();
    const counts = screen.getByLabelText('Findings by classification');
    expect(counts).toHaveTextContent('1 critical2 unknown1 harmless');
    expect(
      screen.getByText('Namespace ml-batch: list of CronJobs was forbidden'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('One admission-control bypass on the Kyverno policies.'),
    ).toBeInTheDocument();
  });

  it('groups findings under their namespace, cluster-scoped first, with counts', async () => {
    await renderReport();
    const headings = await screen.findAllByRole('heading', { level: 3 });
    const groups = headings
      .map(h => h.textContent)
      .filter(t => t !== 'Summary (model)');
    expect(groups).toEqual(['cluster-scoped', 'payments', 'serving-stack']);
    const listOf = (namespace: string) =>
      screen.getByRole('list', { name: namespace });
    const names = (namespace: string) =>
      within(listOf(namespace))
        .getAllByRole('article')
        .map(a => a.getAttribute('aria-label'));
    expect(names('cluster-scoped')).toEqual([
      'ClusterPolicy require-resource-limits',
    ]);
    expect(names('payments')).toEqual(['Secret stripe-keys']);
    expect(names('serving-stack')).toEqual([
      'ConfigMap debug-overrides',
      `Deployment ${argoFinding.resource.name}`,
      'InferenceService fraud-detector',
    ]);
    expect(
      screen.getByText('3 findings · 3 unknown', { exact: true }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1 finding · 1 critical', { exact: true }),
    ).toBeInTheDocument();
  });

  it('shows the desired and live values of each changed field side by side', async () => {
    await renderReport();
    const diff = await screen.findByRole('region', {
      name: 'Diff of ClusterPolicy require-resource-limits',
    });
    expect(within(diff).getByText('Desired (Git)')).toBeInTheDocument();
    expect(within(diff).getByText('Live (cluster)')).toBeInTheDocument();
    expect(diffLines(diff)).toEqual([
      ['spec:', 'spec:'],
      [
        '  validationFailureAction: Enforce',
        '  validationFailureAction: Audit',
      ],
      ['  background: true', '  background: false'],
    ]);
    // Who wrote each field, where the attribution is per field.
    const policy = card('ClusterPolicy require-resource-limits');
    const fields = within(policy).getByRole('list', { name: 'Changed fields' });
    expect(within(fields).getAllByRole('listitem')[0]).toHaveTextContent(
      'written by kubectl-edit (Update, human) · user ops-admin · 8 h ago',
    );
    expect(within(fields).getAllByRole('listitem')[1]).toHaveTextContent(
      'written by kyverno (Update, controller) · 4 d ago',
    );
    // A Secret's values never reach the page: only the placeholder.
    const secret = await screen.findByRole('region', {
      name: 'Diff of Secret stripe-keys',
    });
    expect(diffLines(secret)).toEqual([
      ['data:', 'data:'],
      [
        '  api-key: (Secret value withheld)',
        '  api-key: (Secret value withheld, differs from Git)',
      ],
    ]);
  });

  it('links the deciding skill to its page, and the manifest in Git', async () => {
    await renderReport();
    const policy = card('ClusterPolicy require-resource-limits');
    expect(
      within(policy).getByRole('link', { name: 'kyverno-drift-response' }),
    ).toHaveAttribute(
      'href',
      '/hermes?tab=skills&skill=kyverno-drift-response',
    );
    expect(
      within(policy).getByRole('link', { name: /^Manifest in Git/ }),
    ).toHaveAttribute('href', policyFinding.links!.git);
  });

  it('says a skill left a finding to a person, not that it decided it', async () => {
    const left: DriftFindingRecord = {
      ...finding,
      skill: 'images-people-decide',
      reason: 'people decide image hotfixes both ways',
      suggestion: undefined,
    };
    await renderReport({
      pageFindings: async () => ({
        findings: [left],
        total: 1,
        limit: 500,
        offset: 0,
      }),
    });
    const card0 = screen.getAllByRole('article')[0];
    expect(card0).toHaveTextContent('left to a person by skill');
    expect(card0).not.toHaveTextContent('decided by skill');
    expect(
      within(card0).getByRole('link', { name: 'images-people-decide' }),
    ).toHaveAttribute('href', '/hermes?tab=skills&skill=images-people-decide');
  });

  it('hints how to revert a finding declared in Git, and copies the command', async () => {
    await renderReport();
    const policy = card('ClusterPolicy require-resource-limits');
    const revert = within(policy).getByRole('group', { name: 'Revert to Git' });
    const command =
      '# in a checkout of github.com/acme/gitops at 0123456789abcdef0123456789abcdef01234567\n' +
      'kubectl --context neuroscale-prod apply -f clusters/prod/kyverno/require-limits.yaml';
    expect(
      within(revert).getByLabelText('Revert to Git command'),
    ).toHaveTextContent(command, { normalizeWhitespace: false });
    await act(async () => {
      fireEvent.click(
        within(revert).getByRole('button', {
          name: 'Copy revert to git command',
        }),
      );
    });
    expect(clipboard).toBe(command);
    expect(
      within(revert).getByRole('button', { name: /Copy/ }),
    ).toHaveTextContent('Copied');
  });

  it('hints a sync of the one resource when Argo CD declares it', async () => {
    await renderReport();
    const deployment = card(`Deployment ${argoFinding.resource.name}`);
    expect(
      within(deployment).getByLabelText('Revert to Git command'),
    ).toHaveTextContent(
      `argocd app sync serving --resource apps:Deployment:serving-stack/${argoFinding.resource.name}`,
    );
  });

  it('hints deleting an extra object only after checking', async () => {
    await renderReport();
    const extra = card('ConfigMap debug-overrides');
    const remove = within(extra).getByRole('group', {
      name: 'Remove from the cluster',
    });
    expect(
      within(remove).getByLabelText('Remove from the cluster command'),
    ).toHaveTextContent(
      '# after checking nothing depends on it\nkubectl --context neuroscale-prod -n serving-stack delete configmap debug-overrides',
      { normalizeWhitespace: false },
    );
    expect(
      within(extra).getByLabelText('Commit to Git command'),
    ).toHaveTextContent(
      'kubectl --context neuroscale-prod -n serving-stack get configmap debug-overrides -o yaml',
    );
  });

  it('records a resolution from the finding it is on', async () => {
    const resolveFinding = jest.fn(async () => undefined);
    const { pageFindings } = await renderReport({ resolveFinding });
    const extra = card('ConfigMap debug-overrides');
    fireEvent.click(within(extra).getByRole('button', { name: 'Harmless' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Mark ConfigMap debug-overrides harmless?',
    });
    const calls = pageFindings.mock.calls.length;
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Record' }));
    });
    expect(resolveFinding).toHaveBeenCalledWith('13', 'harmless', {});
    // The report reloads to show the new state.
    expect(pageFindings.mock.calls.length).toBeGreaterThan(calls);
  });

  it('opens on a linked finding and leaves for all drift', async () => {
    const many: DriftFindingRecord[] = Array.from({ length: 31 }, (_, i) => ({
      ...finding,
      id: `n${i}`,
      resource: {
        ...finding.resource,
        name: `svc-${String(i).padStart(2, '0')}`,
      },
      // Extra objects have no field diff, which keeps the cards quick to render.
      type: 'extra',
      changes: [],
      classification: 'harmless',
    }));
    const pageFindings = jest.fn(async () => ({
      findings: many,
      total: many.length,
      limit: 500,
      offset: 0,
    }));
    await renderReport({ pageFindings }, '&finding=n12');
    // 31 harmless findings start collapsed, but the linked one's namespace opens on it.
    expect(
      screen.getByRole('article', { name: 'InferenceService svc-12' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Show 10 more of 18' }),
    ).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show all drift' }));
    });
    expect(screen.getByText('Drift findings')).toBeInTheDocument();
    expect(pageFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'open', limit: 25 }),
    );
  });
});
