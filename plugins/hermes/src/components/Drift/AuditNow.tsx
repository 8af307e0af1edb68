import { usePermission } from '@backstage/plugin-permission-react';
import { hermesDriftReadPermission } from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { errorText, When } from '../shared';
import { LastAudit } from './useEntityDrift';

/** "Last audit 3 h ago · neuroscale-prod", the exact time on hover. */
export function LastAuditText(props: { lastAudit?: LastAudit }) {
  const { lastAudit } = props;
  if (!lastAudit) {
    return (
      <Typography variant="body2" color="text.secondary">
        No audit has run yet.
      </Typography>
    );
  }
  return (
    <Typography variant="body2" color="text.secondary">
      {lastAudit.status === 'running' ? 'Audit running since ' : 'Last audit '}
      <When at={lastAudit.at} />
      {lastAudit.cluster ? ` · ${lastAudit.cluster}` : ''}
      {lastAudit.status === 'failed' ? ' · failed' : ''}
    </Typography>
  );
}

/**
 * "Run audit now" (one per audit when several apply), for users the permission policy lets
 * run audits (hermes.drift.read, as the backend checks); nothing for the others.
 */
export function RunAuditButtons(props: {
  definitions: string[];
  running?: string;
  error?: Error;
  onRun: (name: string) => void;
}) {
  const { definitions, running, error, onRun } = props;
  const { allowed } = usePermission({ permission: hermesDriftReadPermission });
  if (!allowed || definitions.length === 0) return null;
  const single = definitions.length === 1;
  return (
    <Stack gap={0.5} alignItems="flex-end">
      <Stack direction="row" gap={1} flexWrap="wrap" justifyContent="flex-end">
        {definitions.map(name => {
          const label = single ? 'Run audit now' : `Run ${name} now`;
          return (
            <Button
              key={name}
              size="small"
              variant="outlined"
              startIcon={<PlayArrowIcon />}
              disabled={running !== undefined}
              onClick={() => onRun(name)}
              sx={{ whiteSpace: 'nowrap' }}
            >
              {running === name ? `Running ${name}…` : label}
            </Button>
          );
        })}
      </Stack>
      {error && (
        <Typography variant="caption" color="error" role="alert">
          The audit did not run: {errorText(error)}
        </Typography>
      )}
    </Stack>
  );
}
