import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { completedReflection, failedReflection } from './fixtures';
import { LearningContent } from './LearningContent';

function learningApi(overrides: object = {}) {
  return {
    listCandidates: jest.fn(async () => []),
    learningMetrics: jest.fn(async () => ({ audits: [], skills: [] })),
    listReflections: jest.fn(async (_?: { limit?: number }) => [
      completedReflection,
      failedReflection,
    ]),
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

const figures = (item: HTMLElement) =>
  within(item).getByLabelText('Figures').textContent;

describe('LearningContent reflections', () => {
  it('shows each reflection: when, how it went, what it read and cost, and what became of its proposals', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-25T10:00:00Z'));
    const api = learningApi();
    await render(api);

    expect(api.listReflections).toHaveBeenCalledWith({ limit: 20 });
    const log = await screen.findByRole('list', { name: 'Reflection log' });
    const items = within(log).getAllByRole('listitem', {
      name: /^Reflection /,
    });
    expect(items.map(i => i.getAttribute('aria-label'))).toEqual([
      'Reflection 2026-11-25 08:00 UTC',
      'Reflection 2026-11-24 08:00 UTC',
    ]);

    const done = items[0];
    expect(within(done).getByText('succeeded')).toBeInTheDocument();
    expect(done).toHaveTextContent(
      '2 h ago · scheduled · read what was recorded since 1 d ago',
    );
    expect(within(done).getByText('2 h ago')).toHaveAttribute(
      'title',
      '2026-11-25 08:00 UTC',
    );
    jest.restoreAllMocks();
    expect(figures(done)).toBe(
      'Tasks counted15Agent runs read12Findings read30Modellocal/reflect-modelTokens5,200 in / 640 out',
    );
    const proposals = within(
      within(done).getByRole('list', { name: 'Proposals' }),
    )
      .getAllByRole('listitem')
      .map(p => p.textContent);
    expect(proposals).toEqual([
      'New skill in cert-manager-renewal: draft version 1 awaiting approvalReason: three runs diagnosed expiring certificates the same way',
      'Patch in knative-autoscaler-drift: draft version 2 awaiting approvalReason: the runbook misses the min-scale annotation',
      'Triage rule in kyverno-drift-response: rule proposed, draft version 3 awaiting approvalReason: background scans rewrite status',
      'Triage rule in kyverno-drift-response: rejected by the evaluation gate: would call 1 labelled-critical finding harmlessReason: policy edits',
      'New skill in kyverno-drift-response: skipped: a skill named "kyverno-drift-response" exists; reflection may only patch itReason: a runbook for policy edits',
    ]);
    expect(
      within(done).getByRole('link', { name: 'cert-manager-renewal' }),
    ).toHaveAttribute('href', '/?tab=skills&skill=cert-manager-renewal');

    // A failure says why; no tokens were reported, so none are shown.
    const failed = items[1];
    expect(within(failed).getByText('failed')).toBeInTheDocument();
    expect(failed).toHaveTextContent('on demand');
    expect(
      within(failed).getByText(
        'the reflection model local/reflect-model failed: no answer within 60000 ms',
      ),
    ).toBeInTheDocument();
    expect(figures(failed)).toBe(
      'Agent runs read4Findings read0Modellocal/reflect-model',
    );
  });

  it('says so before any reflection ran', async () => {
    await render(learningApi({ listReflections: async () => [] }));
    expect(await screen.findByText(/No reflections yet/)).toBeInTheDocument();
  });

  it('learns now: says the reflection ran, and the log shows it', async () => {
    const api = learningApi({
      runLearning: jest.fn(async () => ({
        candidates: [],
        reflection: completedReflection,
      })),
    });
    api.listReflections.mockResolvedValueOnce([failedReflection]);
    await render(api);
    const log = await screen.findByRole('list', { name: 'Reflection log' });
    expect(
      within(log).getAllByRole('listitem', { name: /^Reflection / }),
    ).toHaveLength(1);

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Learn now' }));
    });
    expect(
      screen.getByRole('alert', { name: 'Reflection run' }),
    ).toHaveTextContent(
      'Reflection ran: read 12 agent runs and 30 labelled findings, and made 5 proposals (4 stored for review).',
    );
    expect(api.listReflections).toHaveBeenCalledTimes(2);
    expect(
      await within(log).findByRole('listitem', {
        name: 'Reflection 2026-11-25 08:00 UTC',
      }),
    ).toBeInTheDocument();
  });

  it('learns now: says why reflection failed', async () => {
    await render(
      learningApi({
        runLearning: async () => ({
          candidates: [],
          reflection: failedReflection,
        }),
      }),
    );
    await screen.findByRole('list', { name: 'Reflection log' });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Learn now' }));
    });
    expect(
      screen.getByRole('alert', { name: 'Reflection run' }),
    ).toHaveTextContent(
      'Reflection failed: the reflection model local/reflect-model failed: no answer within 60000 ms',
    );
  });

  it("shows the server's message when the log cannot be read", async () => {
    await render(
      learningApi({
        listReflections: async () => {
          throw new Error(
            'The learning loop works on the drift of every cluster, which needs hermes.drift.read',
          );
        },
      }),
    );
    expect(
      await screen.findByText(
        'Error: The learning loop works on the drift of every cluster, which needs hermes.drift.read',
      ),
    ).toBeInTheDocument();
  });
});
