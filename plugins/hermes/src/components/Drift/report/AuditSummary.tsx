import {
  Classification,
  DriftAuditRecord,
} from '@hermes-backstage/plugin-hermes-common';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import { Truncated, When } from '../../shared';

/** The audit's `hermes.audits` name, when the backend sends it (it stores it, see report). */
export type AuditRun = DriftAuditRecord & { name?: string };

const CHIP_COLORS: Record<Classification, 'error' | 'warning' | 'success'> = {
  critical: 'error',
  unknown: 'warning',
  harmless: 'success',
};

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="overline" component="dt" color="text.secondary">
        {props.label}
      </Typography>
      <Typography variant="body2" component="dd" sx={{ m: 0, minWidth: 0 }}>
        {props.children}
      </Typography>
    </Box>
  );
}

function download(audit: AuditRun) {
  const blob = new Blob([audit.report ?? ''], { type: 'text/plain' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `drift-audit-${audit.cluster}-${audit.id}.txt`;
  a.click();
  // Revoked after the click is handled: revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** What the audit run was: cluster, when, trigger, status, counts, warnings, narrative. */
export function AuditSummary(props: { audit: AuditRun }) {
  const { audit } = props;
  const counts = audit.summary;
  return (
    <Stack gap={2}>
      <Box
        component="dl"
        sx={{
          m: 0,
          display: 'grid',
          gap: 2,
          gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
        }}
      >
        <Field label="Cluster">
          <Truncated text={audit.cluster} />
        </Field>
        {audit.name && (
          <Field label="Audit">
            <Truncated text={audit.name} />
          </Field>
        )}
        <Field label="When">
          <When at={audit.startedAt} />
          {audit.finishedAt && (
            <>
              {' · took '}
              {Math.max(
                0,
                Math.round(
                  (Date.parse(audit.finishedAt) - Date.parse(audit.startedAt)) /
                    1000,
                ),
              )}{' '}
              s
            </>
          )}
        </Field>
        <Field label="Trigger">{audit.trigger}</Field>
        <Field label="Status">{audit.status}</Field>
        <Field label="Sources">
          <Truncated
            text={`${audit.desiredSource} → ${audit.liveSource}`}
            variant="body2"
          />
        </Field>
      </Box>
      {counts && (
        <Stack
          direction="row"
          gap={1}
          flexWrap="wrap"
          aria-label="Findings by classification"
        >
          {(['critical', 'unknown', 'harmless'] as const).map(c => (
            <Chip
              key={c}
              color={counts[c] > 0 ? CHIP_COLORS[c] : 'default'}
              variant={counts[c] > 0 ? 'filled' : 'outlined'}
              label={`${counts[c] ?? 0} ${c}`}
            />
          ))}
        </Stack>
      )}
      {audit.error && <Alert severity="error">{audit.error}</Alert>}
      {audit.warnings.map((w, i) => (
        <Alert key={i} severity="warning" sx={{ overflowWrap: 'anywhere' }}>
          {w}
        </Alert>
      ))}
      {audit.narrative && (
        <Box>
          <Typography variant="overline" component="h3">
            Summary (model)
          </Typography>
          <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
            {audit.narrative}
          </Typography>
        </Box>
      )}
      {audit.report && (
        <Accordion disableGutters TransitionProps={{ unmountOnExit: true }}>
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography>Text report</Typography>
          </AccordionSummary>
          <AccordionDetails>
            <Button size="small" sx={{ mb: 1 }} onClick={() => download(audit)}>
              Download text report
            </Button>
            <Typography
              component="pre"
              variant="body2"
              sx={{
                m: 0,
                fontFamily: 'monospace',
                whiteSpace: 'pre-wrap',
                overflowWrap: 'anywhere',
              }}
            >
              {audit.report}
            </Typography>
          </AccordionDetails>
        </Accordion>
      )}
    </Stack>
  );
}
