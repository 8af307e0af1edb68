import { SkillDetails } from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';

/** Confirms deleting a skill with everything stored for it. */
export function DeleteDialog(props: {
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
