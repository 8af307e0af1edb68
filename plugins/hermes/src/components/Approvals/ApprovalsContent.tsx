import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { HeldToolCall } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { DecisionButtons, errorText, Json, When } from '../shared';

/**
 * The approval inbox: tool calls the agent holds until someone named by the approval rules
 * (this user, or a group they belong to) decides. A decision does not run the call; it runs
 * in the asker's conversation, with the asker's permissions, when they continue.
 */
export function ApprovalsContent() {
  const hermesApi = useApi(hermesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => hermesApi.listApprovals(),
    [hermesApi],
  );
  // Decisions made here stay visible (with their outcome) until the list is reloaded.
  const [decided, setDecided] = useState<Record<string, HeldToolCall>>({});
  const [failed, setFailed] = useState<Record<string, string>>({});
  const decide = async (call: HeldToolCall, approved: boolean) => {
    try {
      const result = await hermesApi.decideApproval(call.id, approved);
      setDecided(previous => ({ ...previous, [call.id]: result }));
    } catch (e) {
      setFailed(previous => ({
        ...previous,
        [call.id]: errorText(e as Error),
      }));
    }
  };

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const calls = value ?? [];
  return (
    <Stack gap={2}>
      <Stack direction="row" justifyContent="space-between">
        <Typography variant="body2" color="text.secondary">
          Changing tool calls waiting for your decision. Approving does not run
          a call: it runs in the asker's conversation, with their permissions,
          when they continue it.
        </Typography>
        <Button onClick={retry}>Refresh</Button>
      </Stack>
      {calls.length === 0 && (
        <Alert severity="info">
          <AlertTitle>Nothing waits for your approval</AlertTitle>
          When an approval rule (hermes.approvals.rules) names you or your group
          as approvers, the calls it holds appear here.
        </Alert>
      )}
      {calls.map(call => {
        const outcome = decided[call.id];
        return (
          <Card
            key={call.id}
            variant="outlined"
            role="group"
            aria-label={`${call.tool} asked by ${call.askedBy}`}
          >
            <CardContent>
              <Typography variant="h6" component="h3">
                <code>{call.tool}</code>
              </Typography>
              <Typography variant="body2" gutterBottom>
                Asked by {call.askedBy}
                {call.entityRef && <> about {call.entityRef}</>} in "
                {call.sessionTitle}" · <When at={call.createdAt} />
              </Typography>
              {call.reason && (
                <Typography variant="body2" gutterBottom>
                  {call.reason}
                </Typography>
              )}
              <Json label="Input" value={call.input} />
              {failed[call.id] && (
                <Alert severity="error">{failed[call.id]}</Alert>
              )}
              {outcome && (
                <Alert
                  severity={outcome.status === 'approved' ? 'success' : 'info'}
                >
                  You {outcome.status} this call.{' '}
                  {call.askedBy === outcome.decidedBy
                    ? `Continue the conversation "${call.sessionTitle}" to go on.`
                    : `${call.askedBy} was notified; it goes on when they continue the conversation.`}
                </Alert>
              )}
            </CardContent>
            {!outcome && call.canDecide && (
              <CardActions>
                <DecisionButtons
                  onDecide={approved => decide(call, approved)}
                />
              </CardActions>
            )}
          </Card>
        );
      })}
    </Stack>
  );
}
