import { useApi } from '@backstage/frontend-plugin-api';
import { FeedbackRating } from '@hermes-backstage/plugin-hermes-common';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ThumbDownIcon from '@mui/icons-material/ThumbDown';
import ThumbDownOutlinedIcon from '@mui/icons-material/ThumbDownOutlined';
import ThumbUpIcon from '@mui/icons-material/ThumbUp';
import ThumbUpOutlinedIcon from '@mui/icons-material/ThumbUpOutlined';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef } from '../../api';
import { errorText } from './errorText';

/** Thumbs up or down on an answer, recorded on the agent run (trace) that produced it. */
export function Feedback(props: { traceId: string }) {
  const hermesApi = useApi(hermesApiRef);
  const [{ value: recorded, loading, error }, send] = useAsyncFn(
    async (rating: FeedbackRating) => {
      await hermesApi.sendFeedback(props.traceId, rating);
      return rating;
    },
    [hermesApi, props.traceId],
  );
  return (
    <Stack direction="row" alignItems="center" gap={0.5}>
      <IconButton
        size="small"
        aria-label="Helpful"
        aria-pressed={recorded === 'up'}
        disabled={loading}
        onClick={() => send('up')}
      >
        {recorded === 'up' ? (
          <ThumbUpIcon fontSize="inherit" />
        ) : (
          <ThumbUpOutlinedIcon fontSize="inherit" />
        )}
      </IconButton>
      <IconButton
        size="small"
        aria-label="Not helpful"
        aria-pressed={recorded === 'down'}
        disabled={loading}
        onClick={() => send('down')}
      >
        {recorded === 'down' ? (
          <ThumbDownIcon fontSize="inherit" />
        ) : (
          <ThumbDownOutlinedIcon fontSize="inherit" />
        )}
      </IconButton>
      {recorded && !error && (
        <Typography variant="caption" color="text.secondary" role="status">
          Feedback recorded
        </Typography>
      )}
      {error && (
        <Typography variant="caption" color="error" role="status">
          Feedback not recorded: {errorText(error)}
        </Typography>
      )}
    </Stack>
  );
}
