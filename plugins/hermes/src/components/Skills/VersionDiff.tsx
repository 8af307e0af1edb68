import { useApi } from '@backstage/frontend-plugin-api';
import { SkillVersionSummary } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { alpha, Theme } from '@mui/material/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';

const line = { display: 'block', textDecoration: 'none', px: 1 };

/**
 * A unified diff, one line per row: added lines are `<ins>` on green, removed lines `<del>`
 * on red, so the change reads the same to screen readers as it looks.
 */
export function DiffView(props: { diff: string }) {
  const lines = props.diff.replace(/\n$/, '').split('\n');
  // Lines before the first hunk are the file headers (`--- a/…`, `+++ b/…`), not changes.
  const firstHunk = lines.findIndex(l => l.startsWith('@@'));
  if (firstHunk < 0) {
    return (
      <Typography color="text.secondary">
        The two versions have the same text.
      </Typography>
    );
  }
  return (
    <Box
      component="pre"
      aria-label="Diff"
      sx={{
        fontFamily: 'monospace',
        fontSize: '0.8125rem',
        m: 0,
        py: 1,
        overflowX: 'auto',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
      }}
    >
      {lines.map((text, i) => {
        if (i > firstHunk && text.startsWith('+')) {
          return (
            <Box
              key={i}
              component="ins"
              sx={{
                ...line,
                bgcolor: (t: Theme) => alpha(t.palette.success.main, 0.18),
              }}
            >
              {text}
            </Box>
          );
        }
        if (i > firstHunk && text.startsWith('-')) {
          return (
            <Box
              key={i}
              component="del"
              sx={{
                ...line,
                bgcolor: (t: Theme) => alpha(t.palette.error.main, 0.18),
              }}
            >
              {text}
            </Box>
          );
        }
        return (
          <Box
            key={i}
            component="span"
            sx={{
              ...line,
              color: i <= firstHunk ? 'text.secondary' : 'text.primary',
            }}
          >
            {text}
          </Box>
        );
      })}
    </Box>
  );
}

/**
 * The comparison to show first: a draft waiting for approval against the version it was
 * written from, else the newest version against the one before.
 */
function defaultPair(versions: SkillVersionSummary[]): [number, number] {
  const draft = versions.find(v => v.status === 'draft');
  const active = versions.find(v => v.status === 'active');
  if (draft) {
    const base =
      draft.baseVersion ??
      active?.version ??
      versions.find(v => v.version < draft.version)?.version;
    if (base !== undefined) return [base, draft.version];
  }
  return [versions[1].version, versions[0].version];
}

/** Two version pickers and the diff of SKILL.md between them. */
export function VersionDiff(props: {
  name: string;
  /** Newest first, as the API lists them. */
  versions: SkillVersionSummary[];
}) {
  const { name, versions } = props;
  const hermesApi = useApi(hermesApiRef);
  const [[from, to], setPair] = useState<[number, number]>(() =>
    versions.length > 1 ? defaultPair(versions) : [0, 0],
  );
  const diff = useAsync(
    async () =>
      from && to && from !== to
        ? hermesApi.diffSkillVersions(name, from, to)
        : undefined,
    [hermesApi, name, from, to],
  );
  if (versions.length < 2) {
    return (
      <Typography color="text.secondary">
        Only one version so far; nothing to compare.
      </Typography>
    );
  }
  const picker = (label: string, value: number, pick: (v: number) => void) => (
    <TextField
      select
      size="small"
      label={label}
      value={value}
      onChange={event => pick(Number(event.target.value))}
      sx={{ minWidth: 200 }}
    >
      {versions.map(v => (
        <MenuItem key={v.version} value={v.version}>
          Version {v.version} ({v.status})
        </MenuItem>
      ))}
    </TextField>
  );
  return (
    <Stack gap={1}>
      <Stack direction="row" gap={2}>
        {picker('From', from, v => setPair([v, to]))}
        {picker('To', to, v => setPair([from, v]))}
      </Stack>
      {from === to && (
        <Typography color="text.secondary">
          Pick two different versions.
        </Typography>
      )}
      {diff.loading && <LinearProgress />}
      {diff.error && <Alert severity="error">{errorText(diff.error)}</Alert>}
      {diff.value !== undefined && <DiffView diff={diff.value} />}
    </Stack>
  );
}
