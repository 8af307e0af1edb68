import { useApi } from '@backstage/frontend-plugin-api';
import {
  parseSkillDocument,
  SkillVersion,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';

/** What "New skill" starts from: the fields the library reads, and a runbook outline. */
export const SKILL_TEMPLATE = `---
name: my-new-skill
description: >-
  What this runbook is for and when to use it, in words the agent can match against a task
  (at most 1024 characters).
metadata:
  hermes:
    tags: []
---

# Title

## When to use

## Steps

1. First step
`;

/**
 * The full SKILL.md in a text area. Saving makes it the active version; when the server
 * refuses (a secret, an invalid field), its reason is shown and the text stays as typed.
 */
export function SkillEditor(props: {
  /** The skill being edited; absent for a new skill, named by its front matter. */
  name?: string;
  initial: string;
  onSaved: (saved: SkillVersion) => void;
  onCancel: () => void;
}) {
  const { name, initial, onSaved, onCancel } = props;
  const hermesApi = useApi(hermesApiRef);
  const [document, setDocument] = useState(initial);
  const [message, setMessage] = useState('');
  const [saving, save] = useAsyncFn(async () => {
    // A new skill's URL needs its name; a document without one fails here as on the server.
    const target = name ?? parseSkillDocument(document, 'SKILL.md').name;
    onSaved(
      await hermesApi.saveSkill(target, document, message.trim() || undefined),
    );
  }, [hermesApi, name, document, message, onSaved]);

  return (
    <Stack
      gap={2}
      component="form"
      aria-label={name ? `Edit ${name}` : 'New skill'}
      onSubmit={event => {
        event.preventDefault();
        save();
      }}
    >
      <Typography variant="h6">
        {name ? `Edit ${name}` : 'New skill'}
      </Typography>
      <TextField
        label="SKILL.md"
        multiline
        minRows={18}
        maxRows={40}
        value={document}
        onChange={event => setDocument(event.target.value)}
        inputProps={{ spellCheck: false }}
        InputProps={{ sx: { fontFamily: 'monospace', fontSize: '0.875rem' } }}
      />
      <TextField
        label="Change message (optional)"
        size="small"
        value={message}
        onChange={event => setMessage(event.target.value)}
      />
      {saving.error && (
        <Alert severity="error">{errorText(saving.error)}</Alert>
      )}
      <Stack direction="row" gap={1}>
        <Button type="submit" variant="contained" disabled={saving.loading}>
          Save
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </Stack>
    </Stack>
  );
}
