import {
  Classification,
  DriftFindingRecord,
  Resolution,
  RESOLUTIONS,
} from '@hermes-backstage/plugin-hermes-common';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonGroup from '@mui/material/ButtonGroup';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Fragment, MouseEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ResolutionDetails } from '../../api/HermesApi';
import { errorText, Truncated, When } from '../shared';
import { FindingDetails } from './FindingDetails';
import { Change, reasonText, Suggestion, what } from './findingParts';
import {
  HistoryLine,
  lastEvent,
  StateChip,
  StateReason,
} from './lifecycleParts';
import { ResolveDialog } from './ResolveDialog';

const COLORS: Record<Classification, 'error' | 'warning' | 'success'> = {
  critical: 'error',
  unknown: 'warning',
  harmless: 'success',
};

/** How long "Silence" hides a drift from open findings. */
export const SILENCE_DAYS = 7;

/** Records a resolution (with `silenceUntil`, a silence) of a finding's drift. */
export type ResolveHandler = (
  finding: DriftFindingRecord,
  resolution: Resolution,
  details?: ResolutionDetails,
) => Promise<void> | void;

const RESOLUTION_LABELS: Record<Resolution, string> = {
  harmless: 'Harmless',
  reverted: 'Reverted',
  committed: 'Committed to Git',
  critical: 'Critical',
};

// Buttons say it in one word: "Committed to Git" overflowed the Resolve column at 1280 px.
const BUTTON_LABELS: Record<Resolution, string> = {
  ...RESOLUTION_LABELS,
  committed: 'Committed',
};

/** Changes listed in the row; the rest are in the details. */
const ROW_CHANGES = 3;

// Fixed layout with set widths, so a long name or value cannot squeeze another column down
// to a letter per line; "What changed" takes the rest.
const COLUMNS: Array<{ title: string; width?: string }> = [
  { title: 'Classification', width: '140px' },
  { title: 'Object', width: '22%' },
  { title: 'What changed' },
  { title: 'Who and when', width: '22%' },
  { title: 'Resolve', width: '152px' },
];

const header = {
  whiteSpace: 'nowrap',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
} as const;

/** A resolution or silence waiting for its comment and ticket. */
interface Ask {
  finding: DriftFindingRecord;
  resolution: Resolution;
  silence?: boolean;
}

function askTitle(ask: Ask): string {
  const name = `${ask.finding.resource.kind} ${ask.finding.resource.name}`;
  return ask.silence
    ? `Silence ${name} for ${SILENCE_DAYS} days?`
    : `Mark ${name} ${RESOLUTION_LABELS[ask.resolution].toLowerCase()}?`;
}

function FindingRow(props: {
  finding: DriftFindingRecord;
  open: boolean;
  onToggle: () => void;
  onAsk: (ask: Ask) => void;
  onUndo?: (finding: DriftFindingRecord) => void;
}) {
  const { finding: f, open, onToggle, onAsk, onUndo } = props;
  const undoable = onUndo && lastEvent(f);
  const a = f.attribution;
  const ref = useRef<HTMLTableRowElement>(null);
  const reason = reasonText(f);
  // A linked finding (`?finding=`) is brought into view once, when the page opens on it.
  useEffect(() => {
    if (open) ref.current?.scrollIntoView?.({ block: 'center' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // The whole row opens the details, except its own buttons and chips.
  const click = (event: MouseEvent) => {
    if ((event.target as HTMLElement).closest('button, a, [role="button"]'))
      return;
    onToggle();
  };
  return (
    <TableRow
      ref={ref}
      hover
      selected={open}
      aria-label={`${f.resource.kind} ${f.resource.name}`}
      onClick={click}
      sx={{ cursor: 'pointer', '& > td': { verticalAlign: 'top' } }}
    >
      <TableCell>
        <Chip
          size="small"
          color={COLORS[f.classification]}
          label={f.classification}
        />
        <StateChip finding={f} />
        {f.skill && <Truncated text={`skill ${f.skill}`} variant="caption" />}
        {f.suggestion && <Suggestion suggestion={f.suggestion} />}
      </TableCell>
      <TableCell>
        <Stack direction="row" alignItems="flex-start" gap={0.5}>
          <Box sx={{ minWidth: 0, flex: 1 }}>
            <Truncated text={`${f.resource.kind} ${f.resource.name}`} />
            <Truncated
              text={`${f.resource.namespace ?? 'cluster-scoped'} · ${
                f.cluster
              }`}
              variant="caption"
              color="text.secondary"
            />
          </Box>
          <IconButton
            size="small"
            aria-label={`Details of ${f.resource.kind} ${f.resource.name}`}
            aria-expanded={open}
            onClick={onToggle}
            sx={{
              transform: open ? 'rotate(180deg)' : 'none',
              transition: 'transform 150ms',
            }}
          >
            <ExpandMoreIcon fontSize="small" />
          </IconButton>
        </Stack>
      </TableCell>
      <TableCell>
        <StateReason finding={f} />
        <Typography variant="body2">{what(f)}</Typography>
        {f.changes.slice(0, ROW_CHANGES).map(c => (
          <Change key={c.path} change={c} />
        ))}
        {f.changes.length > ROW_CHANGES && (
          <Typography variant="caption" color="text.secondary">
            and {f.changes.length - ROW_CHANGES} more in the details
          </Typography>
        )}
        {reason && (
          <Typography variant="caption" display="block" color="text.secondary">
            {reason}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {a ? (
          <Typography variant="body2">
            {a.manager} ({a.class}
            {a.subresource ? `, via ${a.subresource}` : ''})
            {a.user ? ` · ${a.user}` : ''}
            {a.time && (
              <>
                {' '}
                · <When at={a.time} />
              </>
            )}
          </Typography>
        ) : (
          <Typography variant="body2" color="text.secondary">
            unknown
          </Typography>
        )}
        <HistoryLine history={f.history} />
      </TableCell>
      <TableCell>
        <ButtonGroup
          size="small"
          orientation="vertical"
          aria-label={`Resolve ${f.resource.name}`}
        >
          {RESOLUTIONS.map(r => (
            <Button
              key={r}
              sx={{ whiteSpace: 'nowrap' }}
              onClick={() => onAsk({ finding: f, resolution: r })}
            >
              {BUTTON_LABELS[r]}
            </Button>
          ))}
          <Button
            sx={{ whiteSpace: 'nowrap' }}
            onClick={() =>
              onAsk({ finding: f, resolution: 'harmless', silence: true })
            }
          >
            Silence {SILENCE_DAYS} days
          </Button>
        </ButtonGroup>
        {undoable && (
          <Button
            size="small"
            sx={{ mt: 0.5, whiteSpace: 'nowrap' }}
            aria-label={`Undo ${
              undoable.silenceUntil ? 'silence' : undoable.resolution
            } of ${f.resource.name}`}
            onClick={() => onUndo(f)}
          >
            Undo {undoable.silenceUntil ? 'silence' : undoable.resolution}
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * Findings with what changed, who changed it, history, and buttons to record a resolution.
 * A row opens its details; the open finding is in the URL (`?finding=<id>`), so it can be
 * linked to and Back closes it.
 */
export function FindingsTable(props: {
  findings: DriftFindingRecord[];
  onResolve: ResolveHandler;
  /** Undoes the drift's latest resolution event; without it there is no Undo. */
  onUndo?: (finding: DriftFindingRecord) => Promise<void> | void;
}) {
  const { findings, onResolve, onUndo } = props;
  const [ask, setAsk] = useState<Ask | undefined>();
  const [undoError, setUndoError] = useState<Error | undefined>();
  const undo =
    onUndo &&
    (async (finding: DriftFindingRecord) => {
      setUndoError(undefined);
      try {
        await onUndo(finding);
      } catch (e) {
        setUndoError(e as Error);
      }
    });
  const [params, setParams] = useSearchParams();
  const openId = params.get('finding') ?? undefined;
  const toggle = (id: string) =>
    setParams(current => {
      const updated = new URLSearchParams(current);
      if (updated.get('finding') === id) updated.delete('finding');
      else updated.set('finding', id);
      return updated;
    });
  const missing = openId && !findings.some(f => f.id === openId);
  return (
    <>
      {undoError && (
        <Alert severity="error" sx={{ mb: 1 }}>
          Could not undo: {errorText(undoError)}
        </Alert>
      )}
      {missing && (
        <Alert severity="info" sx={{ mb: 1 }}>
          Finding {openId} is not among the latest findings; it may have been
          fixed or belong to an older audit.
        </Alert>
      )}
      <Box sx={{ overflowX: 'auto' }}>
        <Table
          size="small"
          aria-label="Drift findings"
          sx={{ tableLayout: 'fixed', minWidth: 880 }}
        >
          <colgroup>
            {COLUMNS.map(c => (
              <col key={c.title} style={{ width: c.width }} />
            ))}
          </colgroup>
          <TableHead>
            <TableRow>
              {COLUMNS.map(c => (
                <TableCell key={c.title} sx={header}>
                  {c.title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {findings.map(f => (
              <Fragment key={f.id}>
                <FindingRow
                  finding={f}
                  open={f.id === openId}
                  onToggle={() => toggle(f.id)}
                  onAsk={setAsk}
                  onUndo={undo}
                />
                {f.id === openId && (
                  <TableRow selected>
                    <TableCell colSpan={COLUMNS.length}>
                      <FindingDetails finding={f} />
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            ))}
          </TableBody>
        </Table>
      </Box>
      {ask && (
        <ResolveDialog
          title={askTitle(ask)}
          confirmLabel={ask.silence ? 'Silence' : 'Record'}
          onClose={() => setAsk(undefined)}
          onConfirm={async details => {
            // The silence runs from when it is recorded, not from when the dialog opened.
            const until = ask.silence
              ? {
                  silenceUntil: new Date(
                    Date.now() + SILENCE_DAYS * 86_400_000,
                  ).toISOString(),
                }
              : {};
            await onResolve(ask.finding, ask.resolution, {
              ...details,
              ...until,
            });
          }}
        />
      )}
    </>
  );
}
