import { MarkdownContent } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import {
  answerHasContent,
  HeldToolCall,
  redactSecrets,
} from '@hermes-backstage/plugin-hermes-common';
import { isToolUIPart } from 'ai';
import { HermesUIMessage } from '../../api';
import { Feedback } from './Feedback';
import { ToolCall } from './ToolCall';

/**
 * One message: the user's text, or the assistant's Markdown with its tool calls in the order
 * they happened; a finished answer gets feedback buttons. The user's text is shown with
 * credentials masked, as the server stores it (and says in the answer that it did); an
 * answer with nothing in it (the model failed first) is not shown.
 */
export function ChatMessage(props: {
  message: HermesUIMessage;
  finished: boolean;
  heldCalls: ReadonlyMap<string, HeldToolCall>;
  onApproval: (approvalId: string, approved: boolean) => void;
  onCheckApproval: () => void;
}) {
  const { message, finished, heldCalls, onApproval, onCheckApproval } = props;
  if (message.role === 'user') {
    return (
      <Box
        component="article"
        aria-label="You"
        sx={{
          alignSelf: 'flex-end',
          maxWidth: '80%',
          px: 2,
          py: 1,
          borderRadius: 2,
          bgcolor: 'action.selected',
        }}
      >
        {message.parts.map((part, i) =>
          part.type === 'text' ? (
            <Typography key={i} sx={{ whiteSpace: 'pre-wrap' }}>
              {redactSecrets(part.text)}
            </Typography>
          ) : null,
        )}
      </Box>
    );
  }
  if (message.role !== 'assistant') return null;
  const answered = answerHasContent(message);
  if (!answered && !message.parts.some(p => p.type === 'data-notice'))
    return null;
  const traceId = message.metadata?.traceId;
  return (
    <Box component="article" aria-label="Hermes" sx={{ maxWidth: '100%' }}>
      {message.parts.map((part, i) => {
        if (part.type === 'data-notice') {
          return (
            <Alert key={i} severity="warning" role="note" sx={{ mb: 1 }}>
              {part.data.text}
            </Alert>
          );
        }
        if (part.type === 'text') {
          return <MarkdownContent key={i} content={part.text} />;
        }
        if (isToolUIPart(part)) {
          return (
            <ToolCall
              key={part.toolCallId}
              part={part}
              held={
                part.state === 'approval-requested'
                  ? heldCalls.get(part.approval.id)
                  : undefined
              }
              onApproval={onApproval}
              onCheckApproval={onCheckApproval}
            />
          );
        }
        return null;
      })}
      {/* A continued answer (after approvals) is rated afresh, on its newest run. */}
      {finished && answered && traceId && (
        <Feedback key={traceId} traceId={traceId} />
      )}
    </Box>
  );
}
