import { SkillVersionSummary } from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { When } from '../shared';
import { STATUS_COLORS } from './statusColors';

/**
 * A skill's versions with who reviewed each; drafts can be approved or rejected and
 * superseded versions rolled back to, by those allowed to.
 */
export function VersionsTable(props: {
  versions: SkillVersionSummary[];
  readOnly: boolean;
  /** Whether the user may approve, reject and roll back (hermes.skills.approve). */
  canApprove: boolean;
  busy: boolean;
  onView: (version: number) => void;
  onApprove: (version: number) => void;
  onReject: (version: number) => void;
  onRollback: (version: number) => void;
}) {
  const { versions, readOnly, canApprove, busy } = props;
  return (
    <Table size="small" aria-label="Versions">
      <TableHead>
        <TableRow>
          <TableCell>Version</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Author</TableCell>
          <TableCell>Message</TableCell>
          <TableCell>Date</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {versions.map(v => (
          <TableRow key={v.version} aria-label={`Version ${v.version}`}>
            <TableCell>{v.version}</TableCell>
            <TableCell>
              <Chip
                size="small"
                color={STATUS_COLORS[v.status]}
                label={
                  v.status === 'draft' ? 'draft: needs approval' : v.status
                }
              />
            </TableCell>
            <TableCell>{v.author}</TableCell>
            <TableCell>
              {v.message}
              {v.reviewedBy && (
                <Typography
                  variant="caption"
                  display="block"
                  color="text.secondary"
                >
                  {v.status === 'rejected' ? 'Rejected' : 'Approved'} by{' '}
                  {v.reviewedBy}
                  {v.reviewedAt && (
                    <>
                      {' '}
                      <When at={v.reviewedAt} />
                    </>
                  )}
                  {v.reviewNote && `: ${v.reviewNote}`}
                </Typography>
              )}
            </TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              <When at={v.createdAt} />
            </TableCell>
            <TableCell>
              <Stack direction="row" gap={1}>
                <Button size="small" onClick={() => props.onView(v.version)}>
                  View
                </Button>
                {v.status === 'draft' && canApprove && (
                  <>
                    <Button
                      size="small"
                      variant="contained"
                      disabled={busy}
                      onClick={() => props.onApprove(v.version)}
                    >
                      Approve
                    </Button>
                    <Button
                      size="small"
                      color="error"
                      disabled={busy}
                      onClick={() => props.onReject(v.version)}
                    >
                      Reject
                    </Button>
                  </>
                )}
                {v.status === 'superseded' && !readOnly && canApprove && (
                  <Button
                    size="small"
                    disabled={busy}
                    onClick={() => props.onRollback(v.version)}
                  >
                    Roll back
                  </Button>
                )}
              </Stack>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
