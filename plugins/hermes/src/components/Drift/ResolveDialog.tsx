import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { ResolutionDetails } from '../../api/HermesApi';
import { errorText } from '../shared';

function ticketProblem(ticket: string): string | undefined {
  if (!ticket) return undefined;
  try {
    const url = new URL(ticket);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // falls through to the message below
  }
  return 'A ticket is a link: http:// or https://';
}

/**
 * Asks for an optional comment and ticket link before a resolution (or silence) is recorded;
 * stays open with the backend's reason when recording fails.
 */
export function ResolveDialog(props: {
  /** e.g. "Mark InferenceService fraud-detector reverted?" */
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: (details: ResolutionDetails) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [ticket, setTicket] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const problem = ticketProblem(ticket.trim());
  const confirm = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await props.onConfirm({
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(ticket.trim() ? { ticket: ticket.trim() } : {}),
      });
      props.onClose();
    } catch (e) {
      setError(e as Error);
      setSaving(false);
    }
  };
  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" sx={{ mb: 1 }}>
            {errorText(error)}
          </Alert>
        )}
        <TextField
          label="Comment (optional)"
          fullWidth
          multiline
          minRows={2}
          sx={{ mt: 1 }}
          value={comment}
          inputProps={{ maxLength: 2000 }}
          onChange={event => setComment(event.target.value)}
        />
        <TextField
          label="Ticket link (optional)"
          fullWidth
          sx={{ mt: 2 }}
          placeholder="https://tickets.example.com/OPS-7"
          value={ticket}
          error={problem !== undefined}
          helperText={problem}
          onChange={event => setTicket(event.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={saving || problem !== undefined}
          onClick={confirm}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
