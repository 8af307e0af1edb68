import {
  AuditLearningMetrics,
  formatUtc,
} from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { LineChart } from '@mui/x-charts/LineChart';
import { useId } from 'react';
import { visuallyHidden } from '../shared';

const HEIGHT = 240;
const TITLE = 'Model calls and unknown findings per audit';

interface Series {
  id: string;
  label: string;
  value: (a: AuditLearningMetrics) => number;
  color: string;
}

const day = (time: string) => formatUtc(time).slice(0, 10);

/**
 * Model calls and unknown findings per audit, oldest first: the learning loop works when both
 * fall. A line chart described in words; hovering an audit names its figures.
 */
export function MetricsChart(props: { audits: AuditLearningMetrics[] }) {
  const { audits } = props;
  const theme = useTheme();
  const id = useId();
  const series: Series[] = [
    {
      id: 'modelCalls',
      label: 'Model calls',
      value: a => a.modelCalls,
      color: theme.palette.primary.main,
    },
    {
      id: 'unknown',
      label: 'Unknown findings',
      value: a => a.unknown,
      color: theme.palette.warning.main,
    },
  ];
  if (audits.length === 0) {
    return (
      <Typography color="text.secondary">
        No audits recorded yet: the chart fills in as audits run.
      </Typography>
    );
  }
  const first = audits[0];
  const last = audits[audits.length - 1];
  const description = `${audits.length} ${
    audits.length === 1 ? 'audit' : 'audits'
  } from ${day(first.startedAt)} to ${day(last.startedAt)}: ${series
    .map(
      s =>
        `${s.label.toLowerCase()} went from ${s.value(first)} to ${s.value(
          last,
        )}`,
    )
    .join(', ')}.`;
  return (
    <Box>
      <Box component="span" id={`${id}-title`} sx={visuallyHidden}>
        {TITLE}
      </Box>
      <Box component="span" id={`${id}-desc`} sx={visuallyHidden}>
        {description}
      </Box>
      {/* One image for screen readers, named by its description: the drawing repeats it. */}
      <Box
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        sx={{ height: HEIGHT, maxWidth: 640 }}
      >
        <LineChart
          height={HEIGHT}
          margin={{ top: 40, right: 16, bottom: 30, left: 40 }}
          skipAnimation
          xAxis={[
            {
              scaleType: 'point',
              data: audits.map((_, i) => i),
              valueFormatter: (i: number, context) =>
                context.location === 'tick'
                  ? day(audits[i].startedAt)
                  : `${formatUtc(audits[i].startedAt)} · ${audits[i].cluster}`,
            },
          ]}
          yAxis={[{ min: 0, tickMinStep: 1 }]}
          series={series.map(s => ({
            id: s.id,
            label: s.label,
            color: s.color,
            data: audits.map(a => s.value(a)),
          }))}
          slotProps={{
            legend: {
              direction: 'row',
              position: { vertical: 'top', horizontal: 'left' },
            },
          }}
          // Dashed or solid, so the two lines differ without colour too.
          sx={{
            '& .MuiLineElement-series-unknown': { strokeDasharray: '6 4' },
          }}
        />
      </Box>
    </Box>
  );
}
