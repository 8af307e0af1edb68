import {
  AuditLearningMetrics,
  formatUtc,
} from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { useId } from 'react';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 16, top: 12, bottom: 28 };

interface Series {
  label: string;
  value: (a: AuditLearningMetrics) => number;
  color: string;
  /** Dashed or solid, so the two lines differ without colour too. */
  dash?: string;
}

const day = (time: string) => formatUtc(time).slice(0, 10);

/**
 * Model calls and unknown findings per audit, oldest first: the learning loop works when both
 * fall. An SVG with a text description; every point names its figures on hover.
 */
export function MetricsChart(props: { audits: AuditLearningMetrics[] }) {
  const { audits } = props;
  const theme = useTheme();
  const id = useId();
  const series: Series[] = [
    {
      label: 'Model calls',
      value: a => a.modelCalls,
      color: theme.palette.primary.main,
    },
    {
      label: 'Unknown findings',
      value: a => a.unknown,
      color: theme.palette.warning.main,
      dash: '6 4',
    },
  ];
  if (audits.length === 0) {
    return (
      <Typography color="text.secondary">
        No audits recorded yet: the chart fills in as audits run.
      </Typography>
    );
  }
  const max = Math.max(1, ...audits.flatMap(a => series.map(s => s.value(a))));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left +
    (audits.length === 1
      ? plotWidth / 2
      : (i * plotWidth) / (audits.length - 1));
  const y = (v: number) => PAD.top + plotHeight - (v * plotHeight) / max;
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
      <Stack direction="row" gap={3} aria-hidden sx={{ mb: 1 }}>
        {series.map(s => (
          <Stack key={s.label} direction="row" gap={1} alignItems="center">
            <svg width="28" height="8">
              <line
                x1="0"
                y1="4"
                x2="28"
                y2="4"
                stroke={s.color}
                strokeWidth="2"
                strokeDasharray={s.dash}
              />
            </svg>
            <Typography variant="caption">{s.label}</Typography>
          </Stack>
        ))}
      </Stack>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        style={{ maxWidth: WIDTH, display: 'block' }}
      >
        <title id={`${id}-title`}>
          Model calls and unknown findings per audit
        </title>
        <desc id={`${id}-desc`}>{description}</desc>
        <g fontSize="11" fill={theme.palette.text.secondary}>
          <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
            {max}
          </text>
          <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
            0
          </text>
          <text x={PAD.left} y={HEIGHT - 8}>
            {day(first.startedAt)}
          </text>
          {audits.length > 1 && (
            <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end">
              {day(last.startedAt)}
            </text>
          )}
        </g>
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(0)}
          y2={y(0)}
          stroke={theme.palette.divider}
        />
        {series.map(s => (
          <g key={s.label}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth="2"
              strokeDasharray={s.dash}
              points={audits
                .map((a, i) => `${x(i)},${y(s.value(a))}`)
                .join(' ')}
            />
            {audits.map((a, i) => (
              <circle
                key={a.auditId}
                cx={x(i)}
                cy={y(s.value(a))}
                r="3"
                fill={s.color}
              >
                <title>
                  {`${formatUtc(a.startedAt)} · ${a.cluster}: ${s.value(
                    a,
                  )} ${s.label.toLowerCase()}`}
                </title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
    </Box>
  );
}
