import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Classification,
  DriftAuditRecord,
  formatUtc,
} from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { BarChart } from '@mui/x-charts/BarChart';
import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { hermesApiRef } from '../../api';
import { visuallyHidden } from '../shared';

/** How many of the latest runs the chart shows. */
const RUNS = 50;
const HEIGHT = 260;

type Counted = DriftAuditRecord & { summary: Record<Classification, number> };

const figures = (s: Record<Classification, number>) =>
  `${s.critical} critical, ${s.unknown} unknown, ${s.harmless} harmless`;

const runName = (a: DriftAuditRecord) =>
  a.name ? `${a.name} (${a.cluster})` : a.cluster;

/**
 * Findings per audit run by classification, oldest first, stacked so a run's bar is its
 * total; a caption and a hidden table say the same in words.
 */
export function DriftChartView(props: { audits: DriftAuditRecord[] }) {
  const theme = useTheme();
  const id = useId();
  // Runs that finished with findings counted, oldest first as time runs left to right.
  const runs = props.audits
    .filter((a): a is Counted => Boolean(a.summary))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  if (runs.length === 0)
    return (
      <Typography color="text.secondary">
        No finished audit yet: the chart fills in as audits run.
      </Typography>
    );
  const series: Array<{ key: Classification; label: string; color: string }> = [
    { key: 'critical', label: 'Critical', color: theme.palette.error.main },
    { key: 'unknown', label: 'Unknown', color: theme.palette.warning.main },
    {
      key: 'harmless',
      label: 'Harmless',
      color: theme.palette.success.main,
    },
  ];
  const latest = runs[runs.length - 1];
  const summary = `Latest audit, ${runName(latest)} at ${formatUtc(
    latest.startedAt,
  )}: ${figures(latest.summary)}. ${runs.length} ${
    runs.length === 1 ? 'audit' : 'audits'
  } shown from ${formatUtc(runs[0].startedAt)}.`;
  return (
    <Box component="figure" aria-labelledby={`${id}-caption`} sx={{ m: 0 }}>
      <Typography id={`${id}-caption`} component="figcaption" variant="body2">
        Findings per audit run, by classification
        <Box component="span" sx={visuallyHidden}>
          . {summary}
        </Box>
      </Typography>
      {/* The picture repeats the table below, which screen readers read instead. */}
      <Box aria-hidden sx={{ height: HEIGHT }}>
        <BarChart
          height={HEIGHT}
          margin={{ top: 40, right: 16, bottom: 40, left: 48 }}
          skipAnimation
          xAxis={[
            {
              scaleType: 'band',
              data: runs.map((_, i) => i),
              valueFormatter: (i: number, context) =>
                context.location === 'tick'
                  ? formatUtc(runs[i].startedAt).slice(5, 16)
                  : `${formatUtc(runs[i].startedAt)} · ${runName(runs[i])}`,
            },
          ]}
          yAxis={[{ tickMinStep: 1 }]}
          series={series.map(s => ({
            id: s.key,
            label: s.label,
            color: s.color,
            stack: 'findings',
            data: runs.map(a => a.summary[s.key]),
          }))}
          slotProps={{
            legend: {
              direction: 'row',
              position: { vertical: 'top', horizontal: 'middle' },
            },
          }}
        />
      </Box>
      <Box component="table" sx={visuallyHidden}>
        <caption>Findings per audit run</caption>
        <thead>
          <tr>
            <th scope="col">Started (UTC)</th>
            <th scope="col">Audit</th>
            {series.map(s => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map(a => (
            <tr key={a.id}>
              <th scope="row">{formatUtc(a.startedAt)}</th>
              <td>{runName(a)}</td>
              {series.map(s => (
                <td key={s.key}>{a.summary[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </Box>
    </Box>
  );
}

/** The chart of the latest audit runs, for the cluster-wide Drift view. */
export function DriftChart() {
  const hermesApi = useApi(hermesApiRef);
  const { value, error } = useAsync(
    () => hermesApi.listAudits({ limit: RUNS }),
    [hermesApi],
  );
  return (
    <InfoCard title="Drift over time">
      {error && <ResponseErrorPanel error={error} />}
      {value && <DriftChartView audits={value.audits} />}
    </InfoCard>
  );
}
