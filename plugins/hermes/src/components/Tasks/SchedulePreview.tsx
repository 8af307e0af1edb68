import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { NextRuns } from './NextRuns';

/**
 * What the server understood of a schedule as it is typed: the schedule in words and the
 * next three runs, or the server's message (which lists the accepted forms) when it cannot
 * read it. Asks only once typing pauses.
 */
export function SchedulePreview(props: { text: string; timezone: string }) {
  const hermesApi = useApi(hermesApiRef);
  const [query, setQuery] = useState({ text: '', timezone: '' });
  useDebounce(
    () =>
      setQuery({ text: props.text.trim(), timezone: props.timezone.trim() }),
    400,
    [props.text, props.timezone],
  );
  const preview = useAsync(
    async () =>
      query.text
        ? hermesApi.previewSchedule(query.text, query.timezone || undefined)
        : undefined,
    [hermesApi, query.text, query.timezone],
  );
  const typing =
    props.text.trim() !== query.text ||
    props.timezone.trim() !== query.timezone;
  return (
    <Box role="status" aria-label="Schedule preview" aria-live="polite">
      {!query.text && !typing && (
        <Typography variant="body2" color="text.secondary">
          Write a cron expression, an interval ("every 6h") or a phrase
          ("weekdays at 8am") to see when it runs.
        </Typography>
      )}
      {preview.error && !typing && (
        <Alert severity="error" sx={{ whiteSpace: 'pre-wrap' }}>
          {errorText(preview.error)}
        </Alert>
      )}
      {preview.value && !preview.error && (
        <Box sx={{ opacity: typing || preview.loading ? 0.6 : 1 }}>
          <Typography variant="body2">
            <strong>{preview.value.description}</strong>{' '}
            <Typography
              component="span"
              variant="caption"
              color="text.secondary"
              sx={{ fontFamily: 'monospace' }}
            >
              ({preview.value.cron})
            </Typography>
          </Typography>
          <NextRuns
            next={preview.value.next}
            timezone={preview.value.timezone}
          />
        </Box>
      )}
    </Box>
  );
}
