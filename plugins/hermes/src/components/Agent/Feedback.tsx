import { useApi } from '@backstage/frontend-plugin-api';
import { FeedbackRating } from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ThumbDownIcon from '@mui/icons-material/ThumbDown';
import ThumbDownOutlinedIcon from '@mui/icons-material/ThumbDownOutlined';
import ThumbUpIcon from '@mui/icons-material/ThumbUp';
import ThumbUpOutlinedIcon from '@mui/icons-material/ThumbUpOutlined';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';

/**
 * Thumbs up or down on an answer, recorded on the agent run (trace) that produced it, and
 * then, optionally, a comment saying why: the learning loop reads both. For an answer
 * continued after approvals this is its newest run; the server applies the rating to every
 * run of the answer.
 */
export function Feedback(props: { traceId: string }) {
  const hermesApi = useApi(hermesApiRef);
  const [{ value: recorded, loading, error }, send] = useAsyncFn(
    async (rating: FeedbackRating) => {
      await hermesApi.sendFeedback(props.traceId, rating);
      return rating;
    },
    [hermesApi, props.traceId],
  );
  const [comment, setComment] = useState('');
  const [commented, sendComment] = useAsyncFn(
    async (rating: FeedbackRating, text: string) => {
      await hermesApi.sendFeedback(props.traceId, rating, text);
      return text;
    },
    [hermesApi, props.traceId],
  );
  return (
    <Stack gap={0.5}>
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
      {recorded && !error && !commented.value && (
        <Stack
          component="form"
          direction="row"
          gap={1}
          alignItems="center"
          onSubmit={event => {
            event.preventDefault();
            if (comment.trim()) sendComment(recorded, comment.trim());
          }}
        >
          <TextField
            size="small"
            label={
              recorded === 'down'
                ? 'What was wrong? (optional)'
                : 'Why? (optional)'
            }
            value={comment}
            onChange={event => setComment(event.target.value)}
            inputProps={{ maxLength: 2000 }}
            sx={{ flexGrow: 1, maxWidth: 480 }}
          />
          <Button
            type="submit"
            size="small"
            disabled={!comment.trim() || commented.loading}
          >
            Send comment
          </Button>
        </Stack>
      )}
      {commented.value && (
        <Typography variant="caption" color="text.secondary" role="status">
          Comment recorded
        </Typography>
      )}
      {commented.error && (
        <Typography variant="caption" color="error" role="status">
          Comment not recorded: {errorText(commented.error)}
        </Typography>
      )}
    </Stack>
  );
}
