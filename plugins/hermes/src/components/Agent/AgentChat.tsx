import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Paper from '@mui/material/Paper';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import { useCallback, useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef, HermesUIMessage } from '../../api';
import { Conversation } from './Conversation';
import { errorText } from '../shared';
import { SessionList } from './SessionList';

interface OpenConversation {
  id: string;
  entityRef?: string;
  messages: HermesUIMessage[];
}

/** A random (version 4) UUID; `crypto.randomUUID` would need a secure context (https). */
function uuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

function newConversation(entityRef?: string): OpenConversation {
  // The client names a new conversation; the server creates it on the first message.
  return { id: uuid(), entityRef, messages: [] };
}

/**
 * The agent chat with the user's conversation history beside it. With `entityRef`, the
 * conversations are about that catalog entity; without, they are global.
 *
 * @public
 */
export function AgentChat(props: {
  entityRef?: string;
  /** A past conversation to open first. */
  sessionId?: string;
}) {
  const { entityRef, sessionId } = props;
  const hermesApi = useApi(hermesApiRef);
  const [current, setCurrent] = useState(() => newConversation(entityRef));
  const [listVersion, setListVersion] = useState(0);
  // Said before anyone types: without a chat model there will be no answer. If the status
  // cannot be read, nothing is said here; sending still explains any failure.
  const { value: status } = useAsync(() => hermesApi.getStatus(), [hermesApi]);
  const noChatModel =
    status !== undefined && !status.models.some(m => m.purpose === 'chat');

  const [opening, open] = useAsyncFn(
    (id: string) => hermesApi.getSession(id),
    [hermesApi],
  );
  // Only the latest request's answer lands here, so a slow earlier one cannot win.
  useEffect(() => {
    if (opening.value) {
      const { id, messages } = opening.value;
      setCurrent({
        id,
        entityRef: opening.value.entityRef ?? entityRef,
        messages,
      });
    }
  }, [opening.value, entityRef]);
  useEffect(() => {
    if (sessionId) open(sessionId);
  }, [sessionId, open]);

  const startNew = useCallback(
    () => setCurrent(newConversation(entityRef)),
    [entityRef],
  );
  const onDeleted = useCallback(
    (id: string) => {
      if (id === current.id) startNew();
    },
    [current.id, startNew],
  );
  const onTurnEnd = useCallback(() => setListVersion(v => v + 1), []);

  return (
    <Stack
      direction={{ xs: 'column', md: 'row' }}
      gap={2}
      alignItems="flex-start"
    >
      <Paper
        variant="outlined"
        component="aside"
        aria-label="Conversation history"
        sx={{ p: 1.5, width: { xs: '100%', md: 300 }, flexShrink: 0 }}
      >
        <SessionList
          entityRef={entityRef}
          currentId={current.id}
          version={listVersion}
          onOpen={open}
          onNew={startNew}
          onDeleted={onDeleted}
        />
      </Paper>
      <Paper
        variant="outlined"
        component="section"
        aria-label="Chat"
        sx={{ p: 2, flex: 1, minWidth: 0, width: '100%' }}
      >
        {noChatModel && (
          <Alert severity="warning" sx={{ mb: 1 }}>
            No model is configured for chat, so Hermes cannot answer yet. Add
            hermes.models.chat (and a provider under hermes.model.providers) to
            app-config.yaml. Past conversations stay readable, and drift audits,
            triage rules and policy checks work without a model.
          </Alert>
        )}
        {opening.error && (
          <Alert severity="error" sx={{ mb: 1 }}>
            Could not open the conversation: {errorText(opening.error)}
          </Alert>
        )}
        {opening.loading && (
          <LinearProgress aria-label="Opening conversation" />
        )}
        <Conversation
          key={current.id}
          id={current.id}
          entityRef={current.entityRef}
          initialMessages={current.messages}
          onTurnEnd={onTurnEnd}
          readOnly={noChatModel}
        />
      </Paper>
    </Stack>
  );
}
