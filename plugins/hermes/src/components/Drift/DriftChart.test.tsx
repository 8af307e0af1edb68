import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DriftAuditRecord } from '@hermes-backstage/plugin-hermes-common';
import { act, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { DriftChart } from './DriftChart';

const run = (
  day: number,
  summary?: DriftAuditRecord['summary'],
): DriftAuditRecord => ({
  id: `run-${day}`,
  name: 'prod-nightly',
  cluster: 'neuroscale-prod',
  status: summary ? 'succeeded' : 'running',
  trigger: 'schedule',
  desiredSource: 'git',
  liveSource: 'cluster',
  startedAt: `2026-11-${String(day).padStart(2, '0')}T02:00:00Z`,
  ...(summary ? { summary } : {}),
  warnings: [],
});

async function renderChart(audits: DriftAuditRecord[]) {
  const listAudits = jest.fn(async () => ({
    definitions: ['prod-nightly'],
    audits,
    total: audits.length,
  }));
  await act(async () => {
    await renderInTestApp(<DriftChart />, {
      apis: [[hermesApiRef, { listAudits }]],
    });
  });
  return listAudits;
}

describe('DriftChart', () => {
  it('stacks critical, unknown and harmless findings per audit run, with a legend and the figures in words', async () => {
    // Newest first, as the backend lists them; a run still running has nothing to count.
    const listAudits = await renderChart([
      run(24),
      run(23, { critical: 1, unknown: 2, harmless: 5 }),
      run(22, { critical: 3, unknown: 4, harmless: 6 }),
    ]);
    const figure = await screen.findByRole('figure', {
      name: 'Findings per audit run, by classification. Latest audit, prod-nightly (neuroscale-prod) at 2026-11-23 02:00 UTC: 1 critical, 2 unknown, 5 harmless. 2 audits shown from 2026-11-22 02:00 UTC.',
    });
    expect(listAudits).toHaveBeenCalledWith({ limit: 50 });

    // The legend, drawn in the chart (the hidden table repeats the names).
    for (const label of ['Critical', 'Unknown', 'Harmless'])
      expect(
        within(figure).getByText(label, { selector: 'tspan' }),
      ).toBeInTheDocument();
    // Oldest first along the time axis.
    const ticks = within(figure).getAllByText(/^11-2\d 02:00$/);
    expect(ticks.map(t => t.textContent)).toEqual([
      '11-22 02:00',
      '11-23 02:00',
    ]);

    const table = within(figure).getByRole('table', {
      name: 'Findings per audit run',
    });
    expect(
      within(table)
        .getAllByRole('row')
        .map(row => row.textContent),
    ).toEqual([
      'Started (UTC)AuditCriticalUnknownHarmless',
      '2026-11-22 02:00 UTCprod-nightly (neuroscale-prod)346',
      '2026-11-23 02:00 UTCprod-nightly (neuroscale-prod)125',
    ]);
  });

  it('colours each classification as its chips are coloured', async () => {
    await renderChart([run(23, { critical: 1, unknown: 2, harmless: 5 })]);
    const figure = await screen.findByRole('figure');
    const mark = (label: string) =>
      within(figure)
        .getByText(label, { selector: 'tspan' })
        .closest('.MuiChartsLegend-series')
        ?.querySelector('.MuiChartsLegend-mark');
    // The default light theme's error, warning and success colours.
    expect(mark('Critical')).toHaveAttribute('fill', '#d32f2f');
    expect(mark('Unknown')).toHaveAttribute('fill', '#ed6c02');
    expect(mark('Harmless')).toHaveAttribute('fill', '#2e7d32');
  });

  it('says the chart fills in once an audit has finished', async () => {
    await renderChart([run(24)]);
    expect(
      await screen.findByText(
        'No finished audit yet: the chart fills in as audits run.',
      ),
    ).toBeInTheDocument();
  });
});
