export { ApprovalsContent } from './ApprovalsContent';
