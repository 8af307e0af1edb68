export { HermesStatusContent, HermesStatusView } from './HermesStatusContent';
