import { Link, MarkdownContent } from '@backstage/core-components';
import {
  Classification,
  ReportFinding,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

const COLORS: Record<Classification, 'error' | 'warning' | 'success'> = {
  critical: 'error',
  unknown: 'warning',
  harmless: 'success',
};

function Finding(props: { finding: ReportFinding }) {
  const { finding: f } = props;
  const line = (label: string, text?: string) =>
    text && (
      <Typography variant="body2">
        <Box component="span" sx={{ color: 'text.secondary' }}>
          {label}:
        </Box>{' '}
        {text}
      </Typography>
    );
  return (
    <Box component="li" aria-label={f.headline} sx={{ mb: 1.5 }}>
      <Stack direction="row" gap={1} alignItems="center">
        <Chip
          size="small"
          color={COLORS[f.classification]}
          label={f.classification}
        />
        <Typography variant="body2" fontWeight="bold">
          {f.headline}
        </Typography>
      </Stack>
      {f.changes.length > 0 && (
        <Box
          component="ul"
          sx={{
            m: 0,
            pl: 3,
            fontFamily: 'monospace',
            fontSize: 13,
            wordBreak: 'break-all',
          }}
        >
          {f.changes.map(change => (
            <li key={change}>{change}</li>
          ))}
          {f.moreChanges > 0 && (
            <li>
              … and {f.moreChanges} more{' '}
              {f.moreChanges === 1 ? 'field' : 'fields'}
            </li>
          )}
        </Box>
      )}
      <Box sx={{ pl: 1 }}>
        {line('Changed by', f.attribution)}
        {line('Skill', f.skill && `"${f.skill}"`)}
        {line('Why', f.reason)}
        {line('Recommend', f.recommend)}
        {line('History', f.history)}
      </Box>
    </Box>
  );
}

/**
 * A run's report as people read it: the summary as Markdown (rendered the way the agent chat
 * renders answers), then findings by namespace with classification, what changed, who changed
 * it, the matching skill, the recommendation and history.
 */
export function RunReport(props: { report: TaskReport }) {
  const { report } = props;
  return (
    <Box component="section" aria-label={`Report: ${report.title}`}>
      <Typography variant="subtitle1" component="h4" fontWeight="bold">
        {report.title}
      </Typography>
      {report.subtitle && (
        <Typography variant="body2" color="text.secondary" gutterBottom>
          {report.subtitle}
        </Typography>
      )}
      {report.error && (
        <Alert severity="error" sx={{ my: 1 }}>
          {report.error}
        </Alert>
      )}
      {report.summary && <MarkdownContent content={report.summary} />}
      {report.groups.map(group => (
        <Box
          key={group.name}
          component="section"
          aria-label={group.name}
          sx={{ mt: 1.5 }}
        >
          <Typography variant="subtitle2" component="h5">
            {group.name}: {group.summary}
          </Typography>
          <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0, pl: 1 }}>
            {group.findings.map((finding, i) => (
              <Finding key={`${finding.headline}-${i}`} finding={finding} />
            ))}
          </Box>
        </Box>
      ))}
      {report.warnings.length > 0 && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          {report.warnings.map(w => (
            <div key={w}>{w}</div>
          ))}
        </Alert>
      )}
      {report.link && (
        <Typography variant="body2" sx={{ mt: 1 }}>
          <Link to={report.link}>Open in the portal</Link>
        </Typography>
      )}
    </Box>
  );
}
