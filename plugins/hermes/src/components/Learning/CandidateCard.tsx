import { Link } from '@backstage/core-components';
import {
  formatUtc,
  LearningCandidate,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { CANDIDATE_COLORS, skillLink } from './format';
import { EvidenceView } from './EvidenceView';
import { RejectDialog, When } from '../shared';
import { RuleView } from './RuleView';

/** Who decided and when: "by user:default/ana at 2026-05-23 12:00 UTC". */
function decided(candidate: LearningCandidate): string {
  const by = candidate.decidedBy ? ` by ${candidate.decidedBy}` : '';
  const at = candidate.decidedAt ? ` at ${formatUtc(candidate.decidedAt)}` : '';
  return `${by}${at}`;
}

function Outcome(props: { candidate: LearningCandidate }) {
  const { candidate } = props;
  if (candidate.status === 'approved') {
    return (
      <Alert severity="success">
        Approved{decided(candidate)}. The rule is active in skill{' '}
        {candidate.skill}
        {candidate.draftVersion ? ` (version ${candidate.draftVersion})` : ''};
        the next audit classifies this drift without the model.
      </Alert>
    );
  }
  if (candidate.status === 'rejected') {
    // Without a person, the evaluation gate rejected it before anyone saw it.
    const who = candidate.decidedBy
      ? `Rejected${decided(candidate)}`
      : 'Rejected by the evaluation gate';
    return (
      <Alert severity="warning">
        {who}: {candidate.rejection ?? 'no reason given'}
      </Alert>
    );
  }
  return null;
}

/** One learned rule: what it matches and decides, the evidence, and Approve / Reject. */
export function CandidateCard(props: {
  candidate: LearningCandidate;
  error?: string;
  onApprove: () => Promise<void>;
  onReject: (reason?: string) => Promise<void>;
}) {
  const { candidate, error } = props;
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      variant="outlined"
      component="article"
      aria-label={`${candidate.rule.classify} rule in ${candidate.skill}: ${candidate.rule.reason}`}
    >
      <CardContent>
        <Stack direction="row" gap={1} alignItems="center" flexWrap="wrap">
          <Chip
            size="small"
            color={CANDIDATE_COLORS[candidate.status]}
            label={candidate.status}
          />
          <Typography variant="body2">
            Proposed by {candidate.source} in skill{' '}
            <Link to={skillLink(candidate.skill)}>{candidate.skill}</Link>
            {candidate.draftVersion
              ? ` as draft version ${candidate.draftVersion}`
              : ''}{' '}
            · <When at={candidate.createdAt} />
          </Typography>
        </Stack>
        <Typography
          variant="overline"
          component="h4"
          color="text.secondary"
          sx={{ mt: 1, display: 'block' }}
        >
          Rule
        </Typography>
        <RuleView rule={candidate.rule} />
        <Divider sx={{ my: 1.5 }} />
        <Typography
          variant="overline"
          component="h4"
          color="text.secondary"
          sx={{ display: 'block' }}
        >
          Evidence from the labelled history
        </Typography>
        <EvidenceView evidence={candidate.evidence} />
        <Stack gap={1} sx={{ mt: 1.5 }}>
          {error && <Alert severity="error">{error}</Alert>}
          <Outcome candidate={candidate} />
        </Stack>
      </CardContent>
      {candidate.status === 'proposed' && (
        <CardActions>
          <Button
            variant="contained"
            disabled={busy}
            onClick={() => act(props.onApprove)}
          >
            Approve
          </Button>
          <Button
            variant="outlined"
            color="error"
            disabled={busy}
            onClick={() => setRejecting(true)}
          >
            Reject
          </Button>
        </CardActions>
      )}
      {rejecting && (
        <RejectDialog
          title={`Reject the rule proposed in ${candidate.skill}?`}
          onClose={() => setRejecting(false)}
          onReject={reason => {
            setRejecting(false);
            act(() => props.onReject(reason));
          }}
        />
      )}
    </Card>
  );
}
