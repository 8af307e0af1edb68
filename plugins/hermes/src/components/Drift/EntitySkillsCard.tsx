import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { EntitySkill, hermesApiRef } from '../../api';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the skill decided about this entity's findings, in a sentence. */
export function decisionText(skill: EntitySkill, windowDays: number): string {
  const { harmless, critical } = skill.decided;
  const window = `in the last ${windowDays} days`;
  if (harmless || critical) {
    const parts = [
      ...(harmless ? [`${harmless} harmless`] : []),
      ...(critical ? [`${critical} critical`] : []),
    ];
    const total = harmless + critical;
    // "classified 4 findings harmless", or "classified 3 findings: 1 harmless, 2 critical".
    return harmless && critical
      ? `Classified ${plural(total, 'finding')} ${window}: ${parts.join(', ')}.`
      : `Classified ${plural(total, 'finding')} ${
          harmless ? 'harmless' : 'critical'
        } ${window}.`;
  }
  if (skill.ruleMatches) {
    return `Its rules match ${plural(
      skill.ruleMatches,
      'finding',
    )} ${window} but decided none of them: the rule is newer than the audit, or another skill's rule decided.`;
  }
  return `Decided none of this entity's findings ${window}.`;
}

/**
 * The skills that apply to this entity (by what they declare, or by their triage rules on its
 * drift), each with what it decided about its findings, linked to the skill.
 */
export function EntitySkillsCard(props: {
  entityRef: string;
  /** Where the Hermes page is mounted, for the links to skills. */
  hermesPath?: string;
  /** Changes when the entity's drift was read again (after an audit), to read skills again. */
  refreshKey?: unknown;
}) {
  const { entityRef, hermesPath = '/hermes', refreshKey } = props;
  const hermesApi = useApi(hermesApiRef);
  const { value, loading, error } = useAsync(
    () => hermesApi.skillsForEntity(entityRef),
    [hermesApi, entityRef, refreshKey],
  );
  return (
    <InfoCard title="Skills for this entity">
      {loading && !value && <Progress />}
      {/* A short line, not the error panel: this card sits below the drift it explains. */}
      {error && (
        <Alert severity="error">
          Could not read the skills for this entity:{' '}
          {/* A ResponseError's own message is only the status; the server's is its cause. */}
          {error.cause instanceof Error ? error.cause.message : error.message}
        </Alert>
      )}
      {value && value.skills.length === 0 && (
        <Typography color="text.secondary">
          No skill applies to this entity or decided its drift in the last{' '}
          {value.windowDays} days. A skill applies through the entity kinds,
          annotations or Kubernetes kinds it declares, or through triage rules
          that match the entity's findings.
        </Typography>
      )}
      {value && value.skills.length > 0 && (
        <List dense disablePadding aria-label="Skills for this entity">
          {value.skills.map(skill => (
            <ListItem key={skill.name} disableGutters aria-label={skill.name}>
              <ListItemText
                primary={
                  <Link
                    to={`${hermesPath}?tab=skills&skill=${encodeURIComponent(
                      skill.name,
                    )}`}
                  >
                    {skill.name}
                  </Link>
                }
                secondary={
                  <>
                    <Typography
                      component="span"
                      variant="body2"
                      display="block"
                    >
                      {decisionText(skill, value.windowDays)}
                    </Typography>
                    {skill.matches.length > 0 && (
                      <Typography
                        component="span"
                        variant="caption"
                        display="block"
                      >
                        Applies: {skill.matches.join(' · ')}
                      </Typography>
                    )}
                    <Typography
                      component="span"
                      variant="caption"
                      display="block"
                      color="text.secondary"
                    >
                      {skill.description}
                    </Typography>
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
