import {
  DriftFindingRecord,
  FieldChange,
  Resolution,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import LightbulbOutlinedIcon from '@mui/icons-material/LightbulbOutlined';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Truncated } from '../shared';

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

export function changeText(change: FieldChange): string {
  return `${change.path}: ${
    change.redacted
      ? 'Secret value differs (withheld)'
      : `${show(change.desired)} in Git → ${show(change.live)} live`
  }`;
}

/**
 * One changed field. In the row it is one line, cut with the whole text on hover; in the
 * details it wraps, breaking long values only where they must.
 */
export function Change(props: { change: FieldChange; full?: boolean }) {
  const text = changeText(props.change);
  const mono = { fontFamily: 'monospace' };
  if (!props.full) return <Truncated text={text} sx={mono} />;
  return (
    <Typography
      variant="body2"
      component="div"
      sx={{ ...mono, overflowWrap: 'anywhere' }}
    >
      {text}
    </Typography>
  );
}

/**
 * The audit model's suggestion for a finding no rule classified. Outlined and dashed, apart
 * from the classification chip: a suggestion never classifies. The reason shows on hover and
 * on click.
 */
export function Suggestion(props: { suggestion: TriageSuggestion }) {
  const { suggestion: s } = props;
  const [open, setOpen] = useState(false);
  const confidence = Math.round(s.confidence * 100) / 100;
  return (
    <Box sx={{ mt: 0.5 }}>
      <Chip
        size="small"
        variant="outlined"
        icon={<LightbulbOutlinedIcon />}
        label={`suggested: ${s.classification} — model, ${confidence}`}
        title={s.reason}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        sx={{ borderStyle: 'dashed', maxWidth: '100%' }}
      />
      {open && (
        <Typography variant="caption" display="block" color="text.secondary">
          {s.model}: {s.reason} Only an approved rule classifies drift.
        </Typography>
      )}
    </Box>
  );
}

/**
 * "seen 3× in 14 days · resolved: reverted ×2, harmless (last by user:default/ana) · 3rd manual
 * ClusterPolicy edit in 14 days; previous 2 resolved by reverting"
 */
export function historyLine(history: DriftFindingRecord['history']): string {
  const similar = history.similar ? ` · ${history.similar.description}` : '';
  return `${sameDriftLine(history)}${similar}`;
}

/** Every resolution of the same drift, oldest first; older backends send only the last. */
export function resolutionsOf(history: DriftFindingRecord['history']) {
  return (
    history.labels ?? (history.lastResolution ? [history.lastResolution] : [])
  );
}

export function resolutionName(r: Resolution): string {
  return r === 'committed' ? 'committed to Git' : r;
}

function sameDriftLine(history: DriftFindingRecord['history']): string {
  // `seen` counts episodes in the window; `episodes` counts them ever.
  const ever =
    history.episodes !== undefined && history.episodes > history.seen
      ? ` (${history.episodes} episodes ever)`
      : '';
  const seen = `seen ${history.seen}× in ${history.windowDays} days${ever}`;
  const labels = resolutionsOf(history);
  if (labels.length === 0) return seen;
  const counts = new Map<Resolution, number>();
  for (const l of labels)
    counts.set(l.resolution, (counts.get(l.resolution) ?? 0) + 1);
  const resolved = [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([r, n]) => (n > 1 ? `${resolutionName(r)} ×${n}` : resolutionName(r)))
    .join(', ');
  const last = labels[labels.length - 1];
  return `${seen} · resolved: ${resolved} (last by ${last.userRef})`;
}

export function what(finding: DriftFindingRecord): string {
  if (finding.type === 'missing') return 'In Git, not in the cluster';
  if (finding.type === 'extra') return 'In the cluster, not in Git';
  return `${finding.changes.length} ${
    finding.changes.length === 1 ? 'field differs' : 'fields differ'
  } from Git`;
}

/** The triage reason as a sentence, with the rule's recommendation. */
export function reasonText(finding: DriftFindingRecord): string | undefined {
  if (!finding.reason) return undefined;
  const reason = /[.!?]$/.test(finding.reason)
    ? finding.reason
    : `${finding.reason}.`;
  return finding.recommend
    ? `${reason} Recommend: ${finding.recommend}`
    : reason;
}
