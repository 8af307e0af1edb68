import { SkillEffect } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import { percent } from '../Learning/format';
import { When } from '../shared';

function Figure(props: { label: string; value: string | number }) {
  return (
    <Box component="div" role="group" aria-label={props.label}>
      <Typography variant="h6" component="div">
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
    </Box>
  );
}

/**
 * What a skill's triage rules did in the recent drift audits: the evidence that the skill
 * is used and right, as the Learning view measures it.
 */
export function TriageEffect(props: { effect: SkillEffect }) {
  const { effect } = props;
  if (effect.classified === 0) {
    return (
      <Typography color="text.secondary">
        Its triage rules classified no finding in the recent audits.
      </Typography>
    );
  }
  return (
    <Stack gap={1}>
      <Stack direction="row" gap={4} flexWrap="wrap">
        <Figure label="Findings classified" value={effect.classified} />
        <Figure label="Audits" value={effect.audits} />
        <Figure
          label="Agreement with later labels"
          value={
            effect.agreement === undefined
              ? 'no labels yet'
              : percent(effect.agreement)
          }
        />
        <Figure label="Model calls saved" value={effect.modelCallsSaved} />
      </Stack>
      <Typography variant="caption" color="text.secondary">
        {effect.lastClassifiedAt && (
          <>
            Last classified a finding in the audit of{' '}
            <When at={effect.lastClassifiedAt} />.{' '}
          </>
        )}
        Every finding a rule classifies is one the audit model is not asked
        about. Every skill compared: the{' '}
        <Link component={RouterLink} to="?tab=learning">
          Learning
        </Link>{' '}
        view.
      </Typography>
    </Stack>
  );
}
