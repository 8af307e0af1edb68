import { useApi } from '@backstage/frontend-plugin-api';
import { AgentSessionSummary } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { hermesApiRef } from '../../api';
import { errorText, Snippet, When } from '../shared';

function DeleteDialog(props: {
  session: AgentSessionSummary;
  onClose: () => void;
  onDeleted: (id: string) => void;
}) {
  const { session, onClose, onDeleted } = props;
  const hermesApi = useApi(hermesApiRef);
  const [deletion, remove] = useAsyncFn(async () => {
    await hermesApi.deleteSession(session.id);
    onDeleted(session.id);
  }, [hermesApi, session.id, onDeleted]);
  return (
    <Dialog open onClose={onClose}>
      <DialogTitle>Delete this conversation?</DialogTitle>
      <DialogContent>
        <Typography>
          "{session.title}" and its messages will be deleted for good.
        </Typography>
        {deletion.error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {errorText(deletion.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="error"
          disabled={deletion.loading}
          onClick={() => remove()}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The user's conversations (for one entity when `entityRef` is set), newest first, with
 * full-text search; open, delete, or start a new one.
 */
export function SessionList(props: {
  entityRef?: string;
  currentId: string;
  /** Changes when the list may be stale, e.g. after a turn of the open conversation. */
  version: number;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDeleted: (id: string) => void;
}) {
  const { entityRef, currentId, version, onOpen, onNew, onDeleted } = props;
  const hermesApi = useApi(hermesApiRef);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useDebounce(() => setQ(search.trim()), 300, [search]);
  const sessions = useAsyncRetry(
    () => hermesApi.listSessions({ q: q || undefined, entityRef }),
    [hermesApi, q, entityRef, version],
  );
  const [deleting, setDeleting] = useState<AgentSessionSummary>();

  return (
    <Stack gap={1}>
      <Button variant="outlined" startIcon={<AddIcon />} onClick={onNew}>
        New conversation
      </Button>
      <TextField
        type="search"
        size="small"
        label="Search conversations"
        value={search}
        onChange={event => setSearch(event.target.value)}
      />
      {sessions.loading && <LinearProgress />}
      {sessions.error && (
        <Alert severity="error">{errorText(sessions.error)}</Alert>
      )}
      {sessions.value?.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          {q ? `No conversations match "${q}".` : 'No conversations yet.'}
        </Typography>
      )}
      <List
        dense
        aria-label="Conversations"
        sx={{ overflowY: 'auto', maxHeight: '60vh' }}
      >
        {sessions.value?.map(session => (
          <ListItem
            key={session.id}
            disablePadding
            secondaryAction={
              <IconButton
                edge="end"
                size="small"
                aria-label={`Delete conversation ${session.title}`}
                onClick={() => setDeleting(session)}
              >
                <DeleteOutlineIcon fontSize="small" />
              </IconButton>
            }
          >
            <ListItemButton
              selected={session.id === currentId}
              onClick={() => onOpen(session.id)}
            >
              <ListItemText
                primary={session.title}
                secondary={
                  session.snippet ? (
                    <Snippet text={session.snippet} />
                  ) : (
                    <When at={session.updatedAt} />
                  )
                }
              />
            </ListItemButton>
          </ListItem>
        ))}
      </List>
      {deleting && (
        <DeleteDialog
          session={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={id => {
            setDeleting(undefined);
            onDeleted(id);
            sessions.retry();
          }}
        />
      )}
    </Stack>
  );
}
