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
  splitSkillDocument,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ReactNode, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { errorText, RejectDialog, When } from '../shared';
import { DeleteDialog } from './DeleteDialog';
import { Monospace } from './Monospace';
import { SkillEditor } from './SkillEditor';
import { STATUS_COLORS } from './statusColors';
import { TriageEffect } from './TriageEffect';
import { downloadSkill, exportFileName } from './transfer';
import { agentUsageText } from './usage';
import { VersionDialog } from './VersionDialog';
import { VersionDiff } from './VersionDiff';
import { VersionsTable } from './VersionsTable';

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
  const { skill, document, files, versions, effect } = details.value;
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
            {agentUsageText(details.value.usage)}
            {details.value.usage.loaded > 0 &&
              details.value.usage.lastUsedAt && (
                <>
                  {' · last used '}
                  <When at={details.value.usage.lastUsedAt} />
                </>
              )}
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
        {effect && (
          <Section title="Triage effect">
            <TriageEffect effect={effect} />
          </Section>
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
          title={`Reject draft version ${rejecting}?`}
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
