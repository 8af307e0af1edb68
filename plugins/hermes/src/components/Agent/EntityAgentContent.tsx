import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@mui/material/Typography';
import { AgentChat } from './AgentChat';

/**
 * The "Agent" tab: a chat about this entity. The server adds the entity's annotations and
 * latest drift to the agent's context.
 */
export function EntityAgentContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  return (
    <Content>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        Conversations about <code>{entityRef}</code>
      </Typography>
      {/* A different entity is a different set of conversations. */}
      <AgentChat key={entityRef} entityRef={entityRef} />
    </Content>
  );
}
