import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DriftAuditRecord } from '@hermes-backstage/plugin-hermes-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { AuditQuery, hermesApiRef } from '../../api';
import { AuditsCard } from './AuditsCard';

const NOW = Date.parse('2026-11-24T12:00:00Z');
beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

/** Run `n` started `n` hours before NOW: run-1 is the newest. */
const run = (
  n: number,
  overrides: Partial<DriftAuditRecord> = {},
): DriftAuditRecord => ({
  id: `run-${n}`,
  name: n % 2 ? 'prod-nightly' : 'edge',
  cluster: n % 2 ? 'neuroscale-prod' : 'edge-eu',
  status: 'succeeded',
  trigger: 'schedule',
  desiredSource: 'git',
  liveSource: 'cluster',
  startedAt: new Date(NOW - n * 3_600_000).toISOString(),
  summary: { critical: n === 1 ? 2 : 0, unknown: 1, harmless: 3 },
  warnings: [],
  ...overrides,
});

/** A backend that pages `runs` (newest first) as the real one does. */
function backend(runs: () => DriftAuditRecord[]) {
  return jest.fn(async ({ limit = 50, offset = 0 }: AuditQuery = {}) => ({
    definitions: ['prod-nightly', 'edge'],
    audits: runs().slice(offset, offset + limit),
    total: runs().length,
  }));
}

async function renderCard(
  api: Record<string, unknown>,
  props: { pollMs?: number } = {},
) {
  let rendered: Awaited<ReturnType<typeof renderInTestApp>>;
  // The first answer arrives inside act, so the first render is complete.
  await act(async () => {
    rendered = await renderInTestApp(<AuditsCard {...props} />, {
      apis: [[hermesApiRef, api]],
      initialRouteEntries: ['/hermes?tab=drift'],
    });
  });
  return rendered!;
}

const rowsOf = () =>
  within(screen.getByRole('table', { name: 'Audit runs' }))
    .getAllByRole('row')
    .slice(1);

describe('AuditsCard', () => {
  it('lists ten runs a page, newest first, with the total, and pages to older runs', async () => {
    const runs = Array.from({ length: 23 }, (_, i) => run(i + 1));
    const listAudits = backend(() => runs);
    await renderCard({ listAudits });

    await screen.findByRole('table', { name: 'Audit runs' });
    expect(listAudits).toHaveBeenLastCalledWith({ limit: 10, offset: 0 });
    expect(rowsOf()).toHaveLength(10);
    const [newest] = rowsOf();
    expect(newest).toHaveTextContent(
      /^neuroscale-prodprod-nightly1 h agoschedulesucceeded2 critical1 unknown3 harmlessReport$/,
    );
    expect(within(newest).getByText('1 h ago')).toHaveAttribute(
      'title',
      '2026-11-24 11:00 UTC',
    );
    expect(screen.getByText('1–10 of 23')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Go to previous page of audit runs' }),
    ).toBeDisabled();

    await act(async () => {
      fireEvent.click(
        screen.getByRole('button', {
          name: 'Go to next page of audit runs',
        }),
      );
    });
    await screen.findByText('11–20 of 23');
    expect(listAudits).toHaveBeenLastCalledWith({ limit: 10, offset: 10 });
    await waitFor(() => expect(rowsOf()[0]).toHaveTextContent('11 h ago'));
    expect(rowsOf()[9]).toHaveTextContent('20 h ago');
  });

  it("links each run to its report page and says what a failed run's error was", async () => {
    const listAudits = backend(() => [
      run(1, {
        status: 'failed',
        error: 'cluster unreachable',
        summary: undefined,
      }),
      run(2),
    ]);
    await renderCard({ listAudits });
    const link = await screen.findByRole('link', {
      name: 'Report of prod-nightly audit, started 2026-11-24 11:00 UTC',
    });
    expect(link).toHaveAttribute('href', '/hermes?tab=drift&audit=run-1');
    expect(within(rowsOf()[0]).getByText('failed')).toHaveAttribute(
      'title',
      'cluster unreachable',
    );
    // Two runs fit on one page: no pager.
    expect(screen.queryByText(/of 2$/)).not.toBeInTheDocument();
  });

  it('shows a running run with progress and polls until it finishes, then stops', async () => {
    let reads = 0;
    const listAudits = backend(() => {
      reads += 1;
      return [run(1, { status: reads < 3 ? 'running' : 'succeeded' }), run(2)];
    });
    await renderCard({ listAudits }, { pollMs: 20 });

    expect(
      await screen.findByRole('progressbar', {
        name: 'Audit of neuroscale-prod running',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Running prod-nightly…' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Run edge now' })).toBeEnabled();

    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Run prod-nightly now' }),
      ).toBeEnabled(),
    );
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(rowsOf()[0]).toHaveTextContent('succeeded');
    const calls = listAudits.mock.calls.length;
    await act(() => new Promise(resolve => setTimeout(resolve, 100)));
    expect(listAudits).toHaveBeenCalledTimes(calls);
  });

  it('stops polling when the card goes away', async () => {
    const listAudits = backend(() => [run(1, { status: 'running' })]);
    const { unmount } = await renderCard({ listAudits }, { pollMs: 20 });
    await screen.findByRole('progressbar');
    await waitFor(() =>
      expect(listAudits.mock.calls.length).toBeGreaterThan(1),
    );
    unmount();
    const calls = listAudits.mock.calls.length;
    await act(() => new Promise(resolve => setTimeout(resolve, 100)));
    expect(listAudits).toHaveBeenCalledTimes(calls);
  });

  it('runs an audit now: its button waits for the run, which shows up running, and errors say why', async () => {
    let finish = () => {};
    let started = false;
    const listAudits = backend(() =>
      started
        ? [run(0, { ...run(1), id: 'run-0', status: 'running' }), run(1)]
        : [run(1)],
    );
    const runAudit = jest.fn((name: string) => {
      if (name === 'edge')
        return Promise.reject(
          new Error('No audit named "edge" in hermes.audits'),
        );
      started = true;
      return new Promise<void>(resolve => {
        finish = () => {
          started = false;
          resolve();
        };
      });
    });
    await renderCard({ listAudits, runAudit }, { pollMs: 20 });

    const runNow = await screen.findByRole('button', {
      name: 'Run prod-nightly now',
    });
    await act(async () => {
      fireEvent.click(runNow);
    });
    expect(runAudit).toHaveBeenCalledWith('prod-nightly');
    expect(
      screen.getByRole('button', { name: 'Running prod-nightly…' }),
    ).toBeDisabled();
    await screen.findByRole('progressbar', {
      name: 'Audit of neuroscale-prod running',
    });

    await act(async () => finish());
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Run prod-nightly now' }),
      ).toBeEnabled(),
    );
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Run edge now' }));
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'edge: No audit named "edge" in hermes.audits',
    );
    expect(screen.getByRole('button', { name: 'Run edge now' })).toBeEnabled();
  });
});
