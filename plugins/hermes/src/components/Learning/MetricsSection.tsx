import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  AuditLearningMetrics,
  formatUtc,
  SkillLearningMetrics,
} from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { percent, skillLink } from './format';
import { MetricsChart } from './MetricsChart';
import { When } from '../shared';

const average = (
  items: AuditLearningMetrics[],
  pick: keyof AuditLearningMetrics,
) => items.reduce((sum, a) => sum + Number(a[pick]), 0) / items.length;

const round = (n: number) => String(Math.round(n * 10) / 10);

/** "Model calls per audit: 8 in the first 3 audits → 2 in the last 3 (−75%)" */
function trend(
  audits: AuditLearningMetrics[],
  pick: 'modelCalls' | 'unknown',
  label: string,
): string | undefined {
  const k = Math.min(3, Math.floor(audits.length / 2));
  if (k === 0) return undefined;
  const before = average(audits.slice(0, k), pick);
  const after = average(audits.slice(-k), pick);
  const change =
    before > 0
      ? ` (${after <= before ? '−' : '+'}${percent(
          Math.abs(after - before) / before,
        )})`
      : '';
  const span = k === 1 ? 'audit' : `${k} audits`;
  return `${label} per audit: ${round(before)} in the first ${span} → ${round(
    after,
  )} in the last ${span}${change}`;
}

function AuditTable(props: { audits: AuditLearningMetrics[] }) {
  const newestFirst = [...props.audits].reverse();
  return (
    <Table size="small" aria-label="Figures per audit">
      <TableHead>
        <TableRow>
          <TableCell>Audit started</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell align="right">Findings</TableCell>
          <TableCell align="right">By rule</TableCell>
          <TableCell align="right">Suggested</TableCell>
          <TableCell align="right">Unknown</TableCell>
          <TableCell align="right">Model calls</TableCell>
          <TableCell align="right">Tokens</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {newestFirst.map(a => (
          <TableRow
            key={a.auditId}
            aria-label={`Audit ${formatUtc(a.startedAt)}`}
          >
            <TableCell>
              <When at={a.startedAt} />
            </TableCell>
            <TableCell>{a.cluster}</TableCell>
            <TableCell align="right">{a.findings}</TableCell>
            <TableCell align="right">{a.byRule}</TableCell>
            <TableCell align="right">{a.bySuggestion}</TableCell>
            <TableCell align="right">{a.unknown}</TableCell>
            <TableCell align="right">{a.modelCalls}</TableCell>
            <TableCell align="right">{a.modelTokens}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function SkillTable(props: { skills: SkillLearningMetrics[] }) {
  const skills = [...props.skills].sort((a, b) => b.classified - a.classified);
  if (skills.length === 0) {
    return (
      <Typography color="text.secondary">
        No skill has classified a finding yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Effect per skill">
      <TableHead>
        <TableRow>
          <TableCell>Skill</TableCell>
          <TableCell align="right">Findings classified</TableCell>
          <TableCell align="right">Audits</TableCell>
          <TableCell align="right">Agreement with later labels</TableCell>
          <TableCell align="right">Model calls saved</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {skills.map(s => (
          <TableRow key={s.name} aria-label={s.name}>
            <TableCell>
              <Link to={skillLink(s.name)}>{s.name}</Link>
            </TableCell>
            <TableCell align="right">{s.classified}</TableCell>
            <TableCell align="right">{s.audits}</TableCell>
            <TableCell align="right">
              {s.agreement === undefined
                ? 'no labels yet'
                : percent(s.agreement)}
            </TableCell>
            <TableCell align="right">{s.modelCallsSaved}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The effect of learning: per audit over time, and per skill. */
export function MetricsSection() {
  const hermesApi = useApi(hermesApiRef);
  const metrics = useAsyncRetry(() => hermesApi.learningMetrics(), [hermesApi]);
  const [showTable, setShowTable] = useState(false);
  if (metrics.loading && !metrics.value) return <Progress />;
  if (metrics.error) return <ResponseErrorPanel error={metrics.error} />;
  const { audits, skills } = metrics.value ?? { audits: [], skills: [] };
  const trends = [
    trend(audits, 'modelCalls', 'Model calls'),
    trend(audits, 'unknown', 'Unknown findings'),
  ].filter(Boolean);
  return (
    <Stack gap={2} component="section" aria-label="Effect of learning">
      <Typography variant="h6" component="h2">
        Effect per audit
      </Typography>
      <Paper variant="outlined" sx={{ p: 2 }}>
        {trends.map(t => (
          <Typography key={t} variant="body2">
            {t}
          </Typography>
        ))}
        <MetricsChart audits={audits} />
        {audits.length > 0 && (
          <Button
            size="small"
            sx={{ mt: 1 }}
            aria-expanded={showTable}
            onClick={() => setShowTable(!showTable)}
          >
            {showTable ? 'Hide figures per audit' : 'Show figures per audit'}
          </Button>
        )}
        {showTable && <AuditTable audits={audits} />}
      </Paper>
      <Typography variant="h6" component="h2">
        Effect per skill
      </Typography>
      <Paper variant="outlined">
        <SkillTable skills={skills} />
      </Paper>
    </Stack>
  );
}
