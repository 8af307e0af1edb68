import { Link } from '@backstage/core-components';
import {
  DriftFindingRecord,
  FindingLinks,
  ResolutionEvent,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { When } from '../shared';
import { historyLine, resolutionName } from './findingParts';

/** The drift's latest event that is not undone: the one Undo takes back. */
export function lastEvent(
  finding: DriftFindingRecord,
): ResolutionEvent | undefined {
  const events = (finding.events ?? []).filter(e => !e.undoneAt);
  return events[events.length - 1] ?? finding.resolution;
}

/** True when an audit found the drift still there after someone marked it fixed. */
export function isReopened(finding: DriftFindingRecord): boolean {
  return finding.verification === 'contradicted';
}

/** "open", "resolved", "silenced until …"; nothing for findings stored before lifecycles. */
export function StateChip(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  if (!f.state) return null;
  const label =
    f.state === 'silenced' && f.silenceUntil ? (
      <>
        silenced until <When at={f.silenceUntil} />
      </>
    ) : (
      f.state
    );
  return (
    <Chip
      size="small"
      variant="outlined"
      color={f.state === 'open' ? 'default' : 'info'}
      label={label}
      aria-label={`state ${f.state}`}
      sx={{ mt: 0.5, maxWidth: '100%' }}
    />
  );
}

/**
 * Why the state is what it is. A contradicted resolution (marked reverted, still drifting) is
 * a warning, since someone believes this is fixed.
 */
export function StateReason(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  const reason = f.stateReason ?? f.history.reopened;
  if (!reason) return null;
  if (isReopened(f))
    return (
      // No icon and breaks between words only: in a narrow column the icon's width made a
      // user reference like "user:development/guest" split mid-word.
      <Alert
        severity="warning"
        icon={false}
        sx={{ mt: 0.5, py: 0, overflowWrap: 'break-word', wordBreak: 'normal' }}
      >
        Reopened: {reason}
      </Alert>
    );
  return (
    <Typography variant="caption" display="block" color="text.secondary">
      {reason}
    </Typography>
  );
}

/** "seen 3× in 14 days … · first seen 2 d ago · last seen 1 h ago" */
export function HistoryLine(props: { history: DriftFindingRecord['history'] }) {
  const { history } = props;
  return (
    <Typography variant="caption" display="block" color="text.secondary">
      {historyLine(history)}
      {history.firstSeen && (
        <>
          {' '}
          · first seen <When at={history.firstSeen} />
        </>
      )}
      {history.lastSeen && (
        <>
          {' '}
          · last seen <When at={history.lastSeen} />
        </>
      )}
    </Typography>
  );
}

/** The skill's page on the Hermes page, when the backend did not send one. */
function skillLink(finding: DriftFindingRecord): string | undefined {
  if (finding.links?.skill) return finding.links.skill;
  return finding.skill
    ? `/hermes?tab=skills&skill=${encodeURIComponent(finding.skill)}`
    : undefined;
}

/** Git file, Argo CD, audit report and deciding skill, as links. */
export function FindingLinkList(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  const links: FindingLinks | undefined = f.links;
  const skill = skillLink(f);
  const items: Array<{ label: string; to: string }> = [];
  if (links?.git) items.push({ label: 'Manifest in Git', to: links.git });
  if (links?.argocd) items.push({ label: 'Argo CD', to: links.argocd });
  if (links?.report) items.push({ label: 'Audit report', to: links.report });
  if (skill) items.push({ label: `Skill ${f.skill ?? ''}`.trim(), to: skill });
  if (items.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        No links.
      </Typography>
    );
  return (
    <Stack gap={0.25}>
      {items.map(i => (
        <Link key={i.label} to={i.to} variant="body2">
          {i.label}
        </Link>
      ))}
    </Stack>
  );
}

/** Every resolution and silence of the drift, oldest first; undone ones struck through. */
export function EventList(props: { finding: DriftFindingRecord }) {
  const events = props.finding.events ?? [];
  if (events.length === 0) return null;
  return (
    <Stack gap={0.5} aria-label="Resolution events" role="list">
      {events.map(e => (
        <Typography
          key={e.id}
          role="listitem"
          variant="body2"
          sx={e.undoneAt ? { textDecoration: 'line-through' } : undefined}
        >
          {e.silenceUntil ? (
            <>
              silenced until <When at={e.silenceUntil} />
            </>
          ) : (
            resolutionName(e.resolution)
          )}{' '}
          by {e.userRef} · <When at={e.at} />
          {e.comment ? ` — ${e.comment}` : ''}
          {e.ticket && (
            <>
              {' '}
              · <Link to={e.ticket}>ticket</Link>
            </>
          )}
          {e.undoneAt && (
            <>
              {' '}
              (undone{e.undoneBy ? ` by ${e.undoneBy}` : ''}{' '}
              <When at={e.undoneAt} />)
            </>
          )}
        </Typography>
      ))}
    </Stack>
  );
}

/** Earlier times the same drift came and went, and how each ended. */
export function EpisodeList(props: { history: DriftFindingRecord['history'] }) {
  const episodes = props.history.previousEpisodes ?? [];
  if (episodes.length === 0) return null;
  return (
    <Stack gap={0.5} aria-label="Previous episodes" role="list">
      {episodes.map(e => (
        <Typography key={e.startedAt} role="listitem" variant="body2">
          <When at={e.startedAt} /> → gone <When at={e.endedAt} />
          {e.resolution
            ? ` · ${resolutionName(e.resolution)}${
                e.resolvedBy ? ` by ${e.resolvedBy}` : ''
              }`
            : ' · not resolved'}
          {e.verification ? ` (${e.verification})` : ''}
        </Typography>
      ))}
    </Stack>
  );
}
