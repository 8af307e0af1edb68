export { DecisionButtons } from './DecisionButtons';
export { errorText } from './errorText';
export { Json } from './Json';
export { Snippet } from './Snippet';
export { RejectDialog } from './RejectDialog';
export { relativeTime, useNow, When } from './When';
export { Truncated } from './Truncated';
export { visuallyHidden } from './visuallyHidden';
