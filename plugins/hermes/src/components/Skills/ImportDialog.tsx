import { useApi } from '@backstage/frontend-plugin-api';
import { SkillFile } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ChangeEvent, useState } from 'react';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { readSkillFolder } from './transfer';

// Not in React's input typings, but every current browser supports it.
const folderPicker = { webkitdirectory: '', directory: '' };

/**
 * Imports a SKILL.md folder (a folder picker keeps the paths of reference files), loose
 * files, or a bundle from Export. The files are listed before they are sent; the server's
 * reason is shown when it refuses them.
 */
export function ImportDialog(props: {
  onClose: () => void;
  onImported: (name: string) => void;
}) {
  const { onClose, onImported } = props;
  const hermesApi = useApi(hermesApiRef);
  const [files, setFiles] = useState<SkillFile[]>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const picked = Array.from(event.target.files ?? []);
    // Lets the same selection be picked again after fixing a file.
    event.target.value = '';
    setFiles(undefined);
    run(async () => setFiles(await readSkillFolder(picked)));
  };
  const send = (chosen: SkillFile[]) =>
    run(async () => onImported((await hermesApi.importSkill(chosen)).name));

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Import a skill</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Choose the skill's folder (SKILL.md with its reference files), the
          files themselves (SKILL.md and reference files at the top level of the
          folder), or a <code>.skill.json</code> bundle from Export. An existing
          skill of the same name gets a new version.
        </Typography>
        <Stack direction="row" gap={1} sx={{ my: 2 }}>
          <Button variant="outlined" component="label">
            Choose a folder
            <input
              hidden
              type="file"
              multiple
              aria-label="Skill folder"
              onChange={pick}
              {...folderPicker}
            />
          </Button>
          <Button variant="outlined" component="label">
            Choose files
            <input
              hidden
              type="file"
              multiple
              aria-label="Skill files"
              onChange={pick}
            />
          </Button>
        </Stack>
        {files && (
          <List dense aria-label="Files to import">
            {files.map(file => (
              <ListItem key={file.path} sx={{ fontFamily: 'monospace' }}>
                {file.path}
              </ListItem>
            ))}
          </List>
        )}
        {error && <Alert severity="error">{errorText(error)}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={!files?.length || busy}
          onClick={() => files && send(files)}
        >
          Import
        </Button>
      </DialogActions>
    </Dialog>
  );
}
