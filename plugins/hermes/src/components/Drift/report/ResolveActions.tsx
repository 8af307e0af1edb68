import {
  DriftFindingRecord,
  Resolution,
  RESOLUTIONS,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import ButtonGroup from '@mui/material/ButtonGroup';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import { errorText } from '../../shared';
import { ResolveHandler, SILENCE_DAYS } from '../FindingsTable';
import { lastEvent } from '../lifecycleParts';
import { ResolveDialog } from '../ResolveDialog';

// The same words as the findings table, so a person recognises the actions.
const LABELS: Record<Resolution, string> = {
  harmless: 'Harmless',
  reverted: 'Reverted',
  committed: 'Committed to Git',
  critical: 'Critical',
};

interface Ask {
  resolution: Resolution;
  silence?: boolean;
}

/**
 * The findings table's resolve buttons for one finding of the report: record a resolution or
 * a silence (each asks for a comment and ticket first), or undo the last one.
 */
export function ResolveActions(props: {
  finding: DriftFindingRecord;
  onResolve: ResolveHandler;
  onUndo?: (finding: DriftFindingRecord) => Promise<void> | void;
}) {
  const { finding: f, onResolve, onUndo } = props;
  const [ask, setAsk] = useState<Ask | undefined>();
  const [undoError, setUndoError] = useState<Error | undefined>();
  const undoable = onUndo && lastEvent(f);
  const name = `${f.resource.kind} ${f.resource.name}`;
  const undo = async () => {
    setUndoError(undefined);
    try {
      await onUndo?.(f);
    } catch (e) {
      setUndoError(e as Error);
    }
  };
  return (
    <Stack gap={0.5} alignItems="flex-start">
      <ButtonGroup
        size="small"
        aria-label={`Resolve ${f.resource.name}`}
        sx={{ flexWrap: 'wrap' }}
      >
        {RESOLUTIONS.map(r => (
          <Button
            key={r}
            sx={{ whiteSpace: 'nowrap' }}
            onClick={() => setAsk({ resolution: r })}
          >
            {LABELS[r]}
          </Button>
        ))}
        <Button
          sx={{ whiteSpace: 'nowrap' }}
          onClick={() => setAsk({ resolution: 'harmless', silence: true })}
        >
          Silence {SILENCE_DAYS} days
        </Button>
      </ButtonGroup>
      {undoable && (
        <Button
          size="small"
          sx={{ whiteSpace: 'nowrap' }}
          aria-label={`Undo ${
            undoable.silenceUntil ? 'silence' : undoable.resolution
          } of ${f.resource.name}`}
          onClick={undo}
        >
          Undo {undoable.silenceUntil ? 'silence' : undoable.resolution}
        </Button>
      )}
      {undoError && (
        <Alert severity="error">Could not undo: {errorText(undoError)}</Alert>
      )}
      {ask && (
        <ResolveDialog
          title={
            ask.silence
              ? `Silence ${name} for ${SILENCE_DAYS} days?`
              : `Mark ${name} ${LABELS[ask.resolution].toLowerCase()}?`
          }
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
            await onResolve(f, ask.resolution, { ...details, ...until });
          }}
        />
      )}
    </Stack>
  );
}
