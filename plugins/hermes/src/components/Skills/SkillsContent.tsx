import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { hermesSkillsUpdatePermission } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { hermesApiRef } from '../../api';
import { ImportDialog } from './ImportDialog';
import { SKILL_TEMPLATE, SkillEditor } from './SkillEditor';
import { awaitsApproval, SkillList } from './SkillList';
import { SkillPanel } from './SkillPanel';

type Open = { skill: string } | 'new' | undefined;

function emptyText(q: string, awaitingOnly: boolean): string {
  if (awaitingOnly) {
    return q
      ? `No skill matching "${q}" is waiting for approval.`
      : 'No drafts are waiting for approval.';
  }
  return q
    ? `No active skill matches "${q}".`
    : 'No skills yet. Write one with New skill, or import a SKILL.md folder.';
}

/**
 * The skills library: search, drafts awaiting approval, and one skill at a time to read,
 * edit, compare, approve, roll back, export or delete; new skills and imports.
 *
 * @public
 */
export function SkillsContent() {
  // Writing skills takes hermes.skills.update; without it the library is read-only here.
  const { allowed: canUpdate } = usePermission({
    permission: hermesSkillsUpdatePermission,
  });
  const hermesApi = useApi(hermesApiRef);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useDebounce(() => setQ(search.trim()), 300, [search]);
  const [awaitingOnly, setAwaitingOnly] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  // The open skill is in the URL (`?skill=`), so it can be linked and Back closes it.
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const linked = params.get('skill') ?? undefined;
  let open: Open | undefined;
  if (creating) open = 'new';
  else if (linked) open = { skill: linked };
  const setOpen = useCallback(
    (next: Open | undefined) => {
      setCreating(next === 'new');
      setParams(current => {
        const updated = new URLSearchParams(current);
        if (typeof next === 'object') updated.set('skill', next.skill);
        else updated.delete('skill');
        return updated;
      });
    },
    [setParams],
  );
  const [importing, setImporting] = useState(false);
  const skills = useAsyncRetry(
    () => hermesApi.listSkills({ q: q || undefined }),
    [hermesApi, q, refreshKey],
  );

  const changed = useCallback(() => setRefreshKey(k => k + 1), []);
  const show = useCallback(
    (name: string) => {
      setOpen({ skill: name });
      changed();
    },
    [changed, setOpen],
  );
  const closeImport = useCallback(() => setImporting(false), []);
  const imported = useCallback(
    (name: string) => {
      setImporting(false);
      show(name);
    },
    [show],
  );

  const all = skills.value ?? [];
  const awaiting = all.filter(awaitsApproval);
  const listed = awaitingOnly ? awaiting : all;

  return (
    <Stack gap={2}>
      <Stack direction="row" gap={2} alignItems="center" flexWrap="wrap">
        <TextField
          type="search"
          size="small"
          label="Search skills"
          helperText="Searches active skills; drafts are in the full list"
          value={search}
          onChange={event => setSearch(event.target.value)}
          sx={{ minWidth: 320 }}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={awaitingOnly}
              onChange={event => setAwaitingOnly(event.target.checked)}
            />
          }
          label={`Awaiting approval only (${awaiting.length})`}
        />
        <Box sx={{ flexGrow: 1 }} />
        {canUpdate && (
          <>
            <Button
              variant="contained"
              startIcon={<AddIcon />}
              onClick={() => setOpen('new')}
            >
              New skill
            </Button>
            <Button
              variant="outlined"
              startIcon={<UploadFileIcon />}
              onClick={() => setImporting(true)}
            >
              Import
            </Button>
          </>
        )}
      </Stack>
      <Box
        sx={{
          display: 'grid',
          // The library takes the width until a skill opens; then it narrows to a list of
          // names beside the skill.
          gridTemplateColumns: open
            ? { xs: '1fr', md: 'minmax(220px, 3fr) minmax(0, 9fr)' }
            : '1fr',
          gap: 2,
          alignItems: 'start',
        }}
      >
        <Paper variant="outlined" sx={{ minWidth: 0, overflowX: 'auto' }}>
          {skills.loading && !skills.value && <Progress />}
          {skills.error && <ResponseErrorPanel error={skills.error} />}
          {skills.value && listed.length === 0 && (
            <Typography sx={{ p: 2 }} color="text.secondary">
              {emptyText(q, awaitingOnly)}
            </Typography>
          )}
          {listed.length > 0 && (
            <SkillList
              skills={listed}
              selected={typeof open === 'object' ? open.skill : undefined}
              onSelect={name => setOpen({ skill: name })}
              compact={open !== undefined}
            />
          )}
        </Paper>
        {open === 'new' && (
          <Paper variant="outlined" sx={{ p: 2 }}>
            <SkillEditor
              initial={SKILL_TEMPLATE}
              onSaved={saved => show(saved.name)}
              onCancel={() => setOpen(undefined)}
            />
          </Paper>
        )}
        {typeof open === 'object' && (
          <SkillPanel
            key={open.skill}
            name={open.skill}
            refreshKey={refreshKey}
            onChanged={changed}
            onDeleted={() => {
              setOpen(undefined);
              changed();
            }}
          />
        )}
      </Box>
      {importing && (
        <ImportDialog onClose={closeImport} onImported={imported} />
      )}
    </Stack>
  );
}
