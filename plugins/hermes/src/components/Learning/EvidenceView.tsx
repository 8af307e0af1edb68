import type { CandidateEvidence } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { percent } from './format';

/** What replaying the rule over the labelled history showed. */
export function EvidenceView(props: { evidence: CandidateEvidence }) {
  const { evidence: e } = props;
  const figures: Array<[string, string, boolean?]> = [
    ['Support', String(e.support)],
    ['Matched', String(e.matched)],
    ['Agreement', percent(e.agreement)],
    ['Newly covered', String(e.newlyCovered)],
    ['Audits', String(e.audits)],
    ['Counter-examples', String(e.counterExamples.length)],
    [
      'Critical called harmless',
      String(e.criticalCalledHarmless),
      e.criticalCalledHarmless > 0,
    ],
  ];
  return (
    <Box>
      <Typography variant="body2" sx={{ fontWeight: 500 }}>
        {e.summary}
      </Typography>
      <Box
        component="dl"
        aria-label="Evidence"
        sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, m: 0, mt: 0.5 }}
      >
        {figures.map(([label, value, bad]) => (
          <Box key={label}>
            <Typography component="dt" variant="caption" color="text.secondary">
              {label}
            </Typography>
            <Typography
              component="dd"
              variant="body2"
              color={bad ? 'error' : undefined}
              sx={{ m: 0 }}
            >
              {value}
            </Typography>
          </Box>
        ))}
      </Box>
      {e.counterExamples.length > 0 && (
        <Box sx={{ mt: 1 }}>
          <Typography variant="caption" color="text.secondary">
            Labelled otherwise
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2 }}>
            {e.counterExamples.map(c => (
              <Typography component="li" variant="body2" key={c.id}>
                <Box component="span" sx={{ fontFamily: 'monospace' }}>
                  {c.fingerprint}
                </Box>{' '}
                — {c.label}
              </Typography>
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}
