import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { When } from '../shared';
import {
  Change,
  reasonText,
  resolutionName,
  resolutionsOf,
} from './findingParts';
import {
  EpisodeList,
  EventList,
  FindingLinkList,
  HistoryLine,
  StateReason,
} from './lifecycleParts';

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="overline" component="h4" noWrap>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** Resolution events; older backends send only resolutions in the history. */
function Resolutions(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  if (f.events && f.events.length > 0) return <EventList finding={f} />;
  const resolutions = resolutionsOf(f.history);
  if (resolutions.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        Never resolved.
      </Typography>
    );
  return (
    <>
      {resolutions.map((l, i) => (
        <Typography key={i} variant="body2">
          {resolutionName(l.resolution)} by {l.userRef} · <When at={l.at} />
          {l.note ? ` — ${l.note}` : ''}
        </Typography>
      ))}
    </>
  );
}

/** Everything about one finding, shown under its row when opened (`?finding=<id>`). */
export function FindingDetails(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  const r = f.resource;
  const a = f.attribution;
  const reason = reasonText(f);
  return (
    <Box
      role="region"
      aria-label={`Finding ${r.kind} ${r.name}`}
      sx={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))',
        gap: 2,
        py: 1,
        overflowWrap: 'anywhere',
      }}
    >
      <Section title="Object">
        <Typography variant="body2">
          {r.apiVersion} {r.kind}
        </Typography>
        <Typography variant="body2">
          {r.namespace ? `${r.namespace}/` : ''}
          {r.name}
        </Typography>
        <Typography variant="caption" color="text.secondary" display="block">
          cluster {f.cluster} · found <When at={f.foundAt} /> by audit{' '}
          {f.auditId}
        </Typography>
      </Section>
      <Section title="What changed">
        {f.changes.length === 0 && (
          <Typography variant="body2">
            {reason ?? 'No field details.'}
          </Typography>
        )}
        {f.changes.map(c => (
          <Box key={c.path} sx={{ mb: 0.5 }}>
            <Change change={c} full />
            {c.attribution && (
              <Typography variant="caption" color="text.secondary">
                {c.attribution.manager} ({c.attribution.operation})
                {c.attribution.time && (
                  <>
                    {' '}
                    · <When at={c.attribution.time} />
                  </>
                )}
              </Typography>
            )}
          </Box>
        ))}
        {f.changes.length > 0 && reason && (
          <Typography variant="caption" color="text.secondary" display="block">
            {reason}
          </Typography>
        )}
      </Section>
      <Section title="Who and when">
        {a ? (
          <Typography variant="body2">
            {a.manager} · {a.operation}
            {a.subresource ? ` via ${a.subresource}` : ''} ({a.class})
            {a.user ? ` · user ${a.user}` : ''}
            {a.time && (
              <>
                {' '}
                · <When at={a.time} />
              </>
            )}
          </Typography>
        ) : (
          <Typography variant="body2" color="text.secondary">
            Nobody recorded in managed fields or audit events.
          </Typography>
        )}
      </Section>
      <Section title="State">
        <Typography variant="body2">
          {f.state ?? 'unknown (found before lifecycles)'}
          {f.verification ? ` · ${f.verification} by the next audit` : ''}
        </Typography>
        <StateReason finding={f} />
      </Section>
      <Section title="Resolved before">
        <Resolutions finding={f} />
      </Section>
      <Section title="History">
        <HistoryLine history={f.history} />
        <EpisodeList history={f.history} />
      </Section>
      <Section title="Links">
        <FindingLinkList finding={f} />
      </Section>
    </Box>
  );
}
