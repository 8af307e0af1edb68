import { useChat } from '@ai-sdk/react';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import SendIcon from '@mui/icons-material/Send';
import StopIcon from '@mui/icons-material/Stop';
import { HeldToolCall } from '@hermes-backstage/plugin-hermes-common';
import {
  isToolUIPart,
  lastAssistantMessageIsCompleteWithApprovalResponses,
} from 'ai';
import {
  FormEvent,
  KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { hermesApiRef, HermesUIMessage } from '../../api';
import { ChatMessage } from './ChatMessage';
import { errorText } from '../shared';

/**
 * One conversation with the agent. The server keeps the history; this sends the next message
 * (or the decisions on held tool calls) under the conversation's id and renders the stream.
 */
export function Conversation(props: {
  id: string;
  entityRef?: string;
  initialMessages: HermesUIMessage[];
  /** Called when a turn ends (answered, failed or stopped), e.g. to refresh the history. */
  onTurnEnd?: () => void;
  /** No model can answer: the conversation stays readable, nothing can be sent. */
  readOnly?: boolean;
}) {
  const { id, entityRef, initialMessages, onTurnEnd, readOnly } = props;
  const hermesApi = useApi(hermesApiRef);
  const transport = useMemo(
    () => hermesApi.createChatTransport({ entityRef }),
    [hermesApi, entityRef],
  );
  const {
    messages,
    sendMessage,
    status,
    error,
    stop,
    addToolApprovalResponse,
  } = useChat<HermesUIMessage>({
    id,
    messages: initialMessages,
    transport,
    // Once every held call in the last step is decided, the decisions go to the server.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish: () => onTurnEnd?.(),
  });
  const [input, setInput] = useState('');
  const inputId = useId();
  const busy = status === 'submitted' || status === 'streaming';

  // Held calls of the last answer, as the server records them: whether this user may decide
  // or must wait for the rule's approvers, and what an approver decided meanwhile.
  const waiting = (messages.at(-1)?.parts ?? [])
    .flatMap(part =>
      isToolUIPart(part) && part.state === 'approval-requested'
        ? [part.approval.id]
        : [],
    )
    .join(' ');
  const [heldCalls, setHeldCalls] = useState<ReadonlyMap<string, HeldToolCall>>(
    new Map(),
  );
  const checkApprovals = useCallback(() => {
    hermesApi.listApprovals({ sessionId: id }).then(
      calls => setHeldCalls(new Map(calls.map(call => [call.id, call]))),
      // Without the record the buttons stay; the server still decides who may use them.
      () => {},
    );
  }, [hermesApi, id]);
  useEffect(() => {
    if (waiting && !busy) checkApprovals();
  }, [waiting, busy, checkApprovals]);

  // Follow the answer as it streams.
  const log = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [messages]);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput('');
    sendMessage({ text });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter (or Enter while composing with an IME) is a newline.
    if (
      event.key === 'Enter' &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing
    ) {
      send(event);
    }
  };

  return (
    <Stack gap={1}>
      <Stack
        ref={log}
        role="log"
        aria-label="Conversation"
        gap={2}
        sx={{ maxHeight: '60vh', minHeight: 160, overflowY: 'auto', p: 1 }}
      >
        {messages.length === 0 && (
          <Typography color="text.secondary">
            {entityRef
              ? `Ask Hermes about ${entityRef}: its drift, policies, past incidents and runbooks.`
              : 'Ask Hermes about your clusters, drift, policies, past incidents and runbooks.'}
          </Typography>
        )}
        {messages.map((message, index) => (
          <ChatMessage
            key={message.id}
            message={message}
            finished={!busy || index < messages.length - 1}
            heldCalls={heldCalls}
            onApproval={(approvalId, approved) =>
              addToolApprovalResponse({ id: approvalId, approved })
            }
            onCheckApproval={checkApprovals}
          />
        ))}
      </Stack>
      {busy && <LinearProgress aria-label="Hermes is answering" />}
      {error && <Alert severity="error">{errorText(error)}</Alert>}
      <Box
        component="form"
        onSubmit={send}
        sx={{ display: 'flex', gap: 1, alignItems: 'flex-end' }}
      >
        <TextField
          id={inputId}
          label="Message Hermes"
          multiline
          maxRows={8}
          fullWidth
          size="small"
          value={input}
          onChange={event => setInput(event.target.value)}
          onKeyDown={onKeyDown}
          disabled={readOnly}
        />
        {busy ? (
          <Button
            variant="outlined"
            startIcon={<StopIcon />}
            onClick={() => stop()}
          >
            Stop
          </Button>
        ) : (
          <Button
            type="submit"
            variant="contained"
            endIcon={<SendIcon />}
            disabled={readOnly || !input.trim()}
          >
            Send
          </Button>
        )}
      </Box>
    </Stack>
  );
}
