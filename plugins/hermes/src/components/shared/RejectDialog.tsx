import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';

/** Asks for an optional reason before something is rejected (a draft, a proposed rule). */
export function RejectDialog(props: {
  /** e.g. "Reject draft version 3?" */
  title: string;
  onClose: () => void;
  onReject: (reason?: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>{props.title}</DialogTitle>
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
