import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import BuildIcon from '@mui/icons-material/Build';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import MenuBookIcon from '@mui/icons-material/MenuBook';
import { HeldToolCall } from '@hermes-backstage/plugin-hermes-common';
import { DecisionButtons, Json } from '../shared';
import { DynamicToolUIPart, getToolName, ToolUIPart } from 'ai';

/** A tool call as it appears in an assistant message. */
export type ToolPart = ToolUIPart | DynamicToolUIPart;

const SUMMARY_LENGTH = 100;

/** The input on one line, e.g. `entityRef: component:default/x, kind: Deployment`. */
export function summarizeInput(input: unknown): string {
  let text: string;
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    text = Object.entries(input)
      .filter(([, value]) => value !== undefined)
      .map(
        ([key, value]) =>
          `${key}: ${
            typeof value === 'string' ? value : JSON.stringify(value)
          }`,
      )
      .join(', ');
  } else {
    text = input === undefined ? '' : JSON.stringify(input);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > SUMMARY_LENGTH
    ? `${text.slice(0, SUMMARY_LENGTH - 1)}…`
    : text;
}

function status(part: ToolPart): string | undefined {
  switch (part.state) {
    case 'input-streaming':
      return 'preparing';
    case 'input-available':
      return 'running';
    case 'approval-requested':
      return 'waiting for approval';
    case 'approval-responded':
      return part.approval.approved ? 'approved' : 'denied';
    case 'output-error':
      return 'failed';
    case 'output-denied':
      return 'denied';
    default:
      // A finished call needs no badge.
      return undefined;
  }
}

function headline(part: ToolPart, name: string) {
  // Skills are loaded on demand; saying which one was read is what matters to the reader.
  if (name === 'skill_view') {
    const input = part.input as { name?: unknown } | undefined;
    const skill =
      typeof input?.name === 'string' ? input.name : summarizeInput(input);
    if (part.state === 'output-available') return `Loaded skill ${skill}`;
    if (part.state === 'output-error') return `Could not load skill ${skill}`;
    return `Loading skill ${skill}…`;
  }
  return (
    <>
      <Box component="code" sx={{ fontWeight: 'bold' }}>
        {name}
      </Box>{' '}
      {summarizeInput(part.input)}
    </>
  );
}

/**
 * One tool call, compact: name, input on one line and its state; input and output expand.
 * A call held for approval shows what would run, with Approve and Deny; if the approval rule
 * names other approvers, it waits for them, and continues once one of them has decided.
 */
export function ToolCall(props: {
  part: ToolPart;
  /** The server's record of a held call: who may decide, and any decision made. */
  held?: HeldToolCall;
  onApproval: (approvalId: string, approved: boolean) => void;
  onCheckApproval: () => void;
}) {
  const { part, held, onApproval, onCheckApproval } = props;
  const name = getToolName(part);
  const badge = status(part);
  return (
    <Box sx={{ my: 1 }}>
      <Accordion disableGutters variant="outlined">
        <AccordionSummary expandIcon={<ExpandMoreIcon />}>
          <Stack direction="row" gap={1} alignItems="center" minWidth={0}>
            {name === 'skill_view' ? (
              <MenuBookIcon fontSize="small" color="action" />
            ) : (
              <BuildIcon fontSize="small" color="action" />
            )}
            <Typography variant="body2" noWrap>
              {headline(part, name)}
            </Typography>
            {badge && (
              <Chip
                size="small"
                label={badge}
                color={
                  part.state === 'output-error' || badge === 'denied'
                    ? 'error'
                    : 'default'
                }
              />
            )}
          </Stack>
        </AccordionSummary>
        <AccordionDetails>
          <Typography variant="caption" component="div" sx={{ mb: 1 }}>
            Tool <code>{name}</code>
          </Typography>
          <Json label="Input" value={part.input} />
          {part.state === 'output-available' && (
            <Json label="Output" value={part.output} />
          )}
          {part.state === 'output-error' && (
            <Typography variant="body2" color="error">
              {part.errorText}
            </Typography>
          )}
          {part.approval?.reason && (
            <Typography variant="body2">
              Reason: {part.approval.reason}
            </Typography>
          )}
        </AccordionDetails>
      </Accordion>
      {part.state === 'approval-requested' && (
        <Alert
          severity="warning"
          role="group"
          aria-label={`Approval needed for ${name}`}
          sx={{ mt: 1 }}
        >
          <HeldCall
            part={part}
            name={name}
            held={held}
            onDecide={approved => onApproval(part.approval.id, approved)}
            onCheckApproval={onCheckApproval}
          />
        </Alert>
      )}
    </Box>
  );
}

/**
 * What a held call asks of this user: to decide it; to wait for the rule's approvers; or,
 * once one of them has decided, to continue with that decision.
 */
function HeldCall(props: {
  part: ToolPart & { state: 'approval-requested' };
  name: string;
  held?: HeldToolCall;
  onDecide: (approved: boolean) => void;
  onCheckApproval: () => void;
}) {
  const { part, name, held, onDecide, onCheckApproval } = props;
  if (held && held.status !== 'pending') {
    const approved = held.status === 'approved';
    return (
      <>
        <AlertTitle>
          {held.decidedBy} {held.status} {name}
        </AlertTitle>
        <Typography variant="body2" gutterBottom>
          Continue to{' '}
          {approved
            ? 'run it, with your permissions.'
            : 'tell Hermes it may not run.'}
        </Typography>
        <Button
          variant="contained"
          size="small"
          onClick={() => onDecide(approved)}
        >
          Continue
        </Button>
      </>
    );
  }
  const waiting = held !== undefined && !held.canDecide;
  return (
    <>
      <AlertTitle>
        {waiting ? `Waiting for approval to run ${name}` : `Run ${name}?`}
      </AlertTitle>
      {part.approval.requestReason && (
        <Typography variant="body2" gutterBottom>
          {part.approval.requestReason}
        </Typography>
      )}
      <Json label="With input" value={part.input} />
      {waiting ? (
        <>
          <Typography variant="body2" gutterBottom>
            Only {held.approvers?.join(', ')} may approve this call; they have
            been notified. It runs here, with your permissions, once approved.
          </Typography>
          <Button variant="outlined" size="small" onClick={onCheckApproval}>
            Check again
          </Button>
        </>
      ) : (
        <DecisionButtons size="small" onDecide={onDecide} />
      )}
    </>
  );
}
