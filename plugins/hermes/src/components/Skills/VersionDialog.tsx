import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import useAsync from 'react-use/esm/useAsync';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { Monospace } from './Monospace';

/** One version's SKILL.md as it was saved. */
export function VersionDialog(props: {
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
