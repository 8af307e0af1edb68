import {
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  hermesSkillsApprovePermission,
  hermesSkillsUpdatePermission,
  SkillDetails,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { errorText } from '../Agent/errorText';
import { SkillEditor } from './SkillEditor';
import { downloadSkill, exportFileName } from './transfer';
import { VersionDiff } from './VersionDiff';
import { formatUtc } from '../formatUtc';

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The YAML front matter and the Markdown body of a SKILL.md. */
function splitSkillDocument(document: string): {
  frontMatter?: string;
  body: string;
} {
  const match = FRONT_MATTER.exec(document);
  return match
    ? { frontMatter: match[1], body: document.slice(match[0].length) }
    : { body: document };
}

const STATUS_COLORS = {
  active: 'success',
  draft: 'warning',
  superseded: 'default',
  rejected: 'error',
} as const;

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" aria-label={props.title}>
      <Typography variant="h6" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function Monospace(props: { children: string }) {
  return (
    <Typography
      component="pre"
      variant="body2"
      sx={{
        fontFamily: 'monospace',
        whiteSpace: 'pre-wrap',
        m: 0,
        p: 1,
        bgcolor: 'action.hover',
        borderRadius: 1,
      }}
    >
      {props.children}
    </Typography>
  );
}

function usageText(details: SkillDetails): string {
  const { loaded, successes, failures, lastUsedAt } = details.usage;
  if (loaded === 0) return 'Not used by the agent yet.';
  const last = lastUsedAt ? ` · last used ${formatUtc(lastUsedAt)}` : '';
  return `Loaded by ${loaded} agent ${
    loaded === 1 ? 'run' : 'runs'
  }: ${successes} succeeded, ${failures} failed${last}`;
}

function VersionDialog(props: {
  name: string;
  version: number;
  onClose: () => void;
}) {
  const { name, version, onClose } = props;
  const hermesApi = useApi(hermesApiRef);
  const loaded = useAsync(
    () => hermesApi.getSkillVersion(name, version),
    [hermesApi, name, version],
  );
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md">
      <DialogTitle>
        {name}, version {version}
      </DialogTitle>
      <DialogContent>
        {loaded.loading && <LinearProgress />}
        {loaded.error && (
          <Alert severity="error">{errorText(loaded.error)}</Alert>
        )}
        {loaded.value && <Monospace>{loaded.value.document}</Monospace>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function RejectDialog(props: {
  version: number;
  onClose: () => void;
  onReject: (reason?: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Reject draft version {props.version}?</DialogTitle>
      <DialogContent>
        <TextField
          label="Reason (optional)"
          fullWidth
          multiline
          minRows={2}
          sx={{ mt: 1 }}
          value={reason}
          onChange={event => setReason(event.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="error"
          onClick={() => props.onReject(reason.trim() || undefined)}
        >
          Reject
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function DeleteDialog(props: {
  details: SkillDetails;
  onClose: () => void;
  onDelete: () => void;
}) {
  const { details } = props;
  return (
    <Dialog open onClose={props.onClose}>
      <DialogTitle>Delete skill {details.skill.name}?</DialogTitle>
      <DialogContent>
        <Typography>
          Its {details.versions.length}{' '}
          {details.versions.length === 1 ? 'version' : 'versions'}, reference
          files and usage history are deleted for good. Export it first to keep
          a copy.
        </Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button color="error" onClick={props.onDelete}>
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function VersionsTable(props: {
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
                  {v.reviewedAt && ` on ${formatUtc(v.reviewedAt)}`}
                  {v.reviewNote && `: ${v.reviewNote}`}
                </Typography>
              )}
            </TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              {formatUtc(v.createdAt)}
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

/**
 * One skill: its document, files, versions with approval and rollback, a diff between
 * versions, and edit, export and delete. Skills read from the skills directory are shown
 * read-only, with where to change them instead.
 */
export function SkillPanel(props: {
  name: string;
  /** Changes when the skill may have changed elsewhere. */
  refreshKey: number;
  /** After anything here changed the library. */
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const { name, refreshKey, onChanged, onDeleted } = props;
  const hermesApi = useApi(hermesApiRef);
  const details = useAsyncRetry(
    () => hermesApi.getSkill(name),
    [hermesApi, name, refreshKey],
  );
  const { allowed: canUpdate } = usePermission({
    permission: hermesSkillsUpdatePermission,
  });
  const { allowed: canApprove } = usePermission({
    permission: hermesSkillsApprovePermission,
  });
  const [editing, setEditing] = useState(false);
  const [viewing, setViewing] = useState<number>();
  const [rejecting, setRejecting] = useState<number>();
  const [deleting, setDeleting] = useState(false);
  const [exported, setExported] = useState<string>();

  const [action, run] = useAsyncFn(
    (work: () => Promise<unknown>) => work(),
    [],
  );
  const change = (work: () => Promise<unknown>) =>
    run(async () => {
      await work();
      onChanged();
    });

  if (!details.value) {
    return details.error ? (
      <ResponseErrorPanel error={details.error} />
    ) : (
      <Progress />
    );
  }
  const { skill, document, files, versions } = details.value;
  const readOnly = skill.source === 'directory';
  const editable = !readOnly && canUpdate;
  const drafts = versions.filter(v => v.status === 'draft');
  const { frontMatter, body } = splitSkillDocument(document);

  if (editing) {
    return (
      <Paper variant="outlined" sx={{ p: 2 }}>
        <SkillEditor
          name={name}
          initial={document}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
          onCancel={() => setEditing(false)}
        />
      </Paper>
    );
  }

  return (
    <Paper
      variant="outlined"
      component="article"
      aria-label={`Skill ${name}`}
      sx={{ p: 2 }}
    >
      <Stack gap={2}>
        {details.loading && <LinearProgress />}
        <Stack
          direction="row"
          justifyContent="space-between"
          alignItems="flex-start"
          gap={2}
        >
          <Box>
            <Typography variant="h5" component="h2">
              {name}
            </Typography>
            <Typography color="text.secondary">{skill.description}</Typography>
          </Box>
          <Stack direction="row" gap={1} flexShrink={0}>
            {editable && (
              <Button variant="outlined" onClick={() => setEditing(true)}>
                Edit
              </Button>
            )}
            <Button
              variant="outlined"
              disabled={skill.status !== 'active' || action.loading}
              onClick={() =>
                run(async () =>
                  setExported(
                    downloadSkill(name, await hermesApi.exportSkill(name)),
                  ),
                )
              }
            >
              Export
            </Button>
            {editable && (
              <Button
                variant="outlined"
                color="error"
                onClick={() => setDeleting(true)}
              >
                Delete
              </Button>
            )}
          </Stack>
        </Stack>
        <Stack direction="row" gap={1} flexWrap="wrap" alignItems="center">
          <Chip size="small" label={`source: ${skill.source}`} />
          <Chip
            size="small"
            color={STATUS_COLORS[skill.status]}
            label={skill.status}
          />
          {skill.version !== undefined && (
            <Chip size="small" label={`version ${skill.version}`} />
          )}
          <Typography variant="body2" color="text.secondary">
            {usageText(details.value)}
          </Typography>
        </Stack>
        <Typography variant="caption" color="text.secondary">
          {skill.status === 'active'
            ? `Export downloads ${exportFileName(name, files.length)}${
                files.length > 0
                  ? `, one JSON file holding SKILL.md and its ${
                      files.length
                    } reference ${
                      files.length === 1 ? 'file' : 'files'
                    }; Import reads it back`
                  : ''
              }.`
            : 'A skill that is only a draft cannot be exported until a version is approved.'}
          {exported && ` Downloaded ${exported}.`}
        </Typography>
        {readOnly && (
          <Alert severity="info">
            Read from {skill.location ?? 'the skills directory'}. Skills from
            the skills directory are read-only here: change the file in Git;
            Hermes reads it again when it starts.
          </Alert>
        )}
        {skill.status === 'draft' ? (
          <Alert severity="warning">
            The agent proposed this skill; it is not used until a person
            approves a version.
          </Alert>
        ) : (
          drafts.length > 0 && (
            <Alert severity="warning">
              {drafts.length === 1
                ? `Draft version ${drafts[0].version}, proposed by the agent, is waiting for approval.`
                : `${drafts.length} draft versions proposed by the agent are waiting for approval.`}{' '}
              Compare with the active version below, then approve or reject.
            </Alert>
          )
        )}
        {action.error && (
          <Alert severity="error">{errorText(action.error)}</Alert>
        )}
        <Section
          title={
            skill.status === 'draft'
              ? 'Document (draft waiting for approval)'
              : 'Document'
          }
        >
          {frontMatter !== undefined && (
            <Box sx={{ mb: 1 }}>
              <Typography variant="subtitle2">Front matter</Typography>
              <Monospace>{frontMatter}</Monospace>
            </Box>
          )}
          <MarkdownContent content={body} />
        </Section>
        <Section title="Reference files">
          {files.length === 0 ? (
            <Typography color="text.secondary">None.</Typography>
          ) : (
            <Box component="ul" sx={{ m: 0, fontFamily: 'monospace' }}>
              {files.map(file => (
                <li key={file}>{file}</li>
              ))}
            </Box>
          )}
        </Section>
        <Section title="Versions">
          <VersionsTable
            versions={versions}
            readOnly={readOnly}
            canApprove={canApprove}
            busy={action.loading}
            onView={setViewing}
            onApprove={version =>
              change(() => hermesApi.approveSkillVersion(name, version))
            }
            onReject={setRejecting}
            onRollback={version =>
              change(() => hermesApi.rollbackSkill(name, version))
            }
          />
        </Section>
        <Section title="Compare versions">
          <VersionDiff
            // A new version (approval, rollback, edit) starts the comparison afresh.
            key={versions.map(v => `${v.version}${v.status}`).join()}
            name={name}
            versions={versions}
          />
        </Section>
      </Stack>
      {viewing !== undefined && (
        <VersionDialog
          name={name}
          version={viewing}
          onClose={() => setViewing(undefined)}
        />
      )}
      {rejecting !== undefined && (
        <RejectDialog
          version={rejecting}
          onClose={() => setRejecting(undefined)}
          onReject={reason => {
            setRejecting(undefined);
            change(() => hermesApi.rejectSkillVersion(name, rejecting, reason));
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          details={details.value}
          onClose={() => setDeleting(false)}
          onDelete={() => {
            setDeleting(false);
            run(async () => {
              await hermesApi.deleteSkill(name);
              onDeleted();
            });
          }}
        />
      )}
    </Paper>
  );
}
