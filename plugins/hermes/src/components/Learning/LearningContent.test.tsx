import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { LearningCandidate } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { audit, gateRejected, knativeCandidate } from './fixtures';
import { LearningContent } from './LearningContent';

const KNATIVE =
  'harmless rule in knative-autoscaler-drift: Knative autoscaler reconciliation';

function learningApi(overrides: object = {}) {
  return {
    listCandidates: jest.fn(async (_?: { status?: string }) => [
      gateRejected,
      knativeCandidate,
    ]),
    learningMetrics: jest.fn(async () => ({ audits: [], skills: [] })),
    listReflections: jest.fn(async () => []),
    ...overrides,
  };
}

async function render(api: object) {
  await act(async () => {
    await renderInTestApp(<LearningContent />, {
      apis: [[hermesApiRef, api]],
    });
  });
}

function decided(
  candidate: LearningCandidate,
  status: 'approved' | 'rejected',
  rejection?: string,
): LearningCandidate {
  return {
    ...candidate,
    status,
    rejection,
    decidedBy: 'user:default/ana',
    decidedAt: '2026-11-25T09:00:00Z',
  };
}

// Tests that fix the clock (Date.now) for relative times put it back.
afterEach(() => jest.restoreAllMocks());

describe('LearningContent candidates', () => {
  it('shows proposed rules first, readably, with their evidence and the skill they go into', async () => {
    await render(learningApi());

    const cards = await screen.findAllByRole('article');
    expect(cards[0]).toHaveAccessibleName(KNATIVE);
    const card = cards[0];
    expect(within(card).getByText('proposed')).toBeInTheDocument();
    const matches = within(card).getByLabelText('Matches');
    expect(matches).toHaveTextContent('Namespacesserving-stack');
    expect(matches).toHaveTextContent(
      'Paths/spec/template/metadata/annotations/autoscaling.knative.dev~1*',
    );
    expect(matches).toHaveTextContent('Written bycontroller');
    expect(matches).toHaveTextContent('Managersautoscaler');
    expect(
      within(card).getByText('12 of 12 labelled harmless'),
    ).toBeInTheDocument();
    const evidence = within(card).getByLabelText('Evidence');
    expect(evidence).toHaveTextContent('Support12');
    expect(evidence).toHaveTextContent('Agreement100%');
    expect(evidence).toHaveTextContent('Newly covered9');
    expect(evidence).toHaveTextContent('Audits7');
    expect(evidence).toHaveTextContent('Critical called harmless0');
    expect(
      within(card).getByRole('link', { name: 'knative-autoscaler-drift' }),
    ).toHaveAttribute('href', '/?tab=skills&skill=knative-autoscaler-drift');

    // The gate's rejection says why, with the finding that disagreed; nothing to decide.
    const rejected = cards[1];
    expect(rejected).toHaveAccessibleName(
      'harmless rule in kyverno-drift-response: policy edits',
    );
    expect(
      within(rejected).getByText(
        'Rejected by the evaluation gate: would call 1 labelled-critical finding harmless',
      ),
    ).toBeInTheDocument();
    expect(within(rejected).getByLabelText('Evidence')).toHaveTextContent(
      'Critical called harmless1',
    );
    expect(within(rejected).getByRole('listitem')).toHaveTextContent(
      'neuroscale-prod/ClusterPolicy/require-limits — critical',
    );
    expect(
      within(rejected).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('shows a rule that leaves drift to a person as such, with the split history', async () => {
    const leave: LearningCandidate = {
      ...knativeCandidate,
      id: 'c3',
      skill: 'learned-prod-deployment-image-people-decide',
      rule: {
        match: {
          kinds: ['Deployment'],
          paths: ['/spec/template/spec/containers/0/image'],
          managerClasses: ['human'],
        },
        classify: 'unknown',
        reason:
          'people decide both ways (12 labelled: committed 6, reverted 6)',
      },
      evidence: {
        ...knativeCandidate.evidence,
        summary:
          '12 labelled (committed 6, reverted 6): people decide both ways',
      },
    };
    await render(learningApi({ listCandidates: jest.fn(async () => [leave]) }));
    const [card] = await screen.findAllByRole('article');
    expect(card).toHaveTextContent('→ leave to a person:unknown');
    expect(card).not.toHaveTextContent('→ classify');
    expect(card).toHaveTextContent('people decide both ways');
  });

  it('approves a rule: the call is sent and the rule shows approved', async () => {
    const approveCandidate = jest.fn(async (id: string) =>
      decided({ ...knativeCandidate, id }, 'approved'),
    );
    await render(learningApi({ approveCandidate }));

    const card = await screen.findByRole('article', { name: KNATIVE });
    await act(async () => {
      fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    });
    expect(approveCandidate).toHaveBeenCalledWith('c1');
    expect(within(card).getByText('approved')).toBeInTheDocument();
    expect(
      within(card).getByText(
        /Approved by user:default\/ana at 2026-11-25 09:00 UTC\. The rule is active in skill knative-autoscaler-drift \(version 2\)/,
      ),
    ).toBeInTheDocument();
    expect(
      within(card).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it("shows the server's message when an approval is refused", async () => {
    const refused = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'Approving learned rules needs hermes.skills.approve',
          },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'content-type': 'application/json' } },
      ),
    );
    await render(
      learningApi({
        approveCandidate: async () => {
          throw refused;
        },
      }),
    );
    const card = await screen.findByRole('article', { name: KNATIVE });
    await act(async () => {
      fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    });
    expect(
      within(card).getByText(
        'Approving learned rules needs hermes.skills.approve',
      ),
    ).toBeInTheDocument();
    // Still proposed, still decidable by someone who may.
    expect(within(card).getByText('proposed')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Approve' })).toBeEnabled();
  });

  it('rejects a rule with a reason, and shows why it was rejected', async () => {
    const rejectCandidate = jest.fn(async (id: string, reason?: string) =>
      decided({ ...knativeCandidate, id }, 'rejected', reason),
    );
    await render(learningApi({ rejectCandidate }));

    const card = await screen.findByRole('article', { name: KNATIVE });
    fireEvent.click(within(card).getByRole('button', { name: 'Reject' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason (optional)'), {
      target: { value: 'too broad: other annotations too' },
    });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    });
    expect(rejectCandidate).toHaveBeenCalledWith(
      'c1',
      'too broad: other annotations too',
    );
    expect(
      within(card).getByText(
        'Rejected by user:default/ana at 2026-11-25 09:00 UTC: too broad: other annotations too',
      ),
    ).toBeInTheDocument();
  });

  it('filters by status through the API', async () => {
    const api = learningApi();
    await render(api);
    await screen.findAllByRole('article');
    api.listCandidates.mockResolvedValueOnce([gateRejected]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Rejected' }));
    });
    expect(api.listCandidates).toHaveBeenLastCalledWith({ status: 'rejected' });
    expect(screen.getAllByRole('article')).toHaveLength(1);
  });

  it('learns now and shows what the run proposed', async () => {
    const runLearning = jest.fn(async () => ({
      candidates: [knativeCandidate, gateRejected],
      reflection: {
        status: 'skipped',
        reason:
          'no reflection model is configured (hermes.models.reflection); only induction ran',
      },
    }));
    const api = learningApi({ runLearning });
    api.listCandidates.mockResolvedValueOnce([]);
    await render(api);
    expect(await screen.findByText(/No learned rules yet/)).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Learn now' }));
    });
    expect(runLearning).toHaveBeenCalledTimes(1);
    const result = screen.getByRole('alert', { name: 'Learning run' });
    expect(result).toHaveTextContent(
      'This run proposed 1 rule; the evaluation gate rejected 1',
    );
    expect(result).toHaveTextContent(
      'harmless in knative-autoscaler-drift: 12 of 12 labelled harmless',
    );
    expect(result).toHaveTextContent(
      '(rejected: would call 1 labelled-critical finding harmless)',
    );
    expect(
      screen.getByRole('alert', { name: 'Reflection run' }),
    ).toHaveTextContent(
      'Reflection was skipped: no reflection model is configured (hermes.models.reflection); only induction ran',
    );
    // The list reloads with the new candidates.
    expect(
      await screen.findByRole('article', { name: KNATIVE }),
    ).toBeInTheDocument();
  });

  it('says so when a run finds nothing new', async () => {
    await render(
      learningApi({
        runLearning: async () => ({
          candidates: [],
          reflection: { status: 'skipped', reason: 'no model' },
        }),
      }),
    );
    await screen.findAllByRole('article');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Learn now' }));
    });
    expect(screen.getByText(/Nothing new to propose/)).toBeInTheDocument();
  });
});

describe('LearningContent metrics', () => {
  it('charts model calls and unknown findings per audit, with the figures and per-skill effect', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-06T15:00:00Z'));
    const audits = [
      audit(1, 12, 14),
      audit(2, 10, 12),
      audit(3, 11, 12),
      audit(4, 4, 5),
      audit(5, 3, 3),
      audit(6, 2, 2),
    ];
    await render(
      learningApi({
        learningMetrics: async () => ({
          audits,
          skills: [
            {
              name: 'kyverno-drift-response',
              classified: 4,
              audits: 3,
              modelCallsSaved: 4,
            },
            {
              name: 'knative-autoscaler-drift',
              classified: 40,
              audits: 6,
              agreement: 0.975,
              modelCallsSaved: 31,
            },
          ],
        }),
      }),
    );

    const chart = await screen.findByRole('img', {
      name: /Model calls and unknown findings per audit/,
    });
    expect(chart).toHaveAccessibleName(
      'Model calls and unknown findings per audit 6 audits from 2026-11-01 to 2026-11-06: model calls went from 12 to 2, unknown findings went from 14 to 2.',
    );
    // What the drawing shows: a legend of both lines, and each audit's day along the axis.
    for (const label of ['Model calls', 'Unknown findings'])
      expect(
        within(chart).getByText(label, { selector: 'tspan' }),
      ).toBeInTheDocument();
    expect(
      within(chart)
        .getAllByText(/^2026-11-0\d$/)
        .map(tick => tick.textContent),
    ).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
    ]);
    expect(
      screen.getByText(
        'Model calls per audit: 11 in the first 3 audits → 3 in the last 3 audits (−73%)',
      ),
    ).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(
        screen.getByRole('button', { name: 'Show figures per audit' }),
      );
    });
    const table = screen.getByRole('table', { name: 'Figures per audit' });
    const rows = within(table).getAllByRole('row');
    // Newest first, after the header.
    expect(rows[1]).toHaveAccessibleName('Audit 2026-11-06 12:00 UTC');
    expect(within(rows[1]).getByTitle('2026-11-06 12:00 UTC')).toBeVisible();
    expect(
      within(rows[1])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      '3 h ago',
      'neuroscale-prod',
      '20',
      '18',
      '2',
      '2',
      '2',
      '2000',
    ]);

    const skills = screen.getByRole('table', { name: 'Effect per skill' });
    const knative = within(skills).getByRole('row', {
      name: 'knative-autoscaler-drift',
    });
    expect(
      within(knative)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['knative-autoscaler-drift', '40', '6', '98%', '31']);
    expect(
      within(skills).getByRole('row', { name: 'kyverno-drift-response' }),
    ).toHaveTextContent('no labels yet');
  });

  it('says so before any audit ran', async () => {
    await render(learningApi());
    expect(
      await screen.findByText(/No audits recorded yet/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No skill has classified a finding yet.'),
    ).toBeInTheDocument();
  });
});
