export { AgentChat } from './AgentChat';
export { EntityAgentContent } from './EntityAgentContent';
