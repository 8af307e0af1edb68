import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';

/** Approve and Deny for a held tool call, wherever it is decided. */
export function DecisionButtons(props: {
  onDecide: (approved: boolean) => void;
  size?: 'small' | 'medium';
}) {
  const { onDecide, size = 'medium' } = props;
  return (
    <Stack direction="row" gap={1}>
      <Button variant="contained" size={size} onClick={() => onDecide(true)}>
        Approve
      </Button>
      <Button
        variant="outlined"
        size={size}
        color="error"
        onClick={() => onDecide(false)}
      >
        Deny
      </Button>
    </Stack>
  );
}
