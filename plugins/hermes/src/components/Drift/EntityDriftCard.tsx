import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Classification } from '@hermes-backstage/plugin-hermes-common';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { LastAuditText, RunAuditButtons } from './AuditNow';
import { openCounts, useEntityDrift } from './useEntityDrift';

const ORDER: Array<{
  classification: Classification;
  color: 'error' | 'warning' | 'success';
}> = [
  { classification: 'critical', color: 'error' },
  { classification: 'unknown', color: 'warning' },
  { classification: 'harmless', color: 'success' },
];

/**
 * The entity Overview card: open drift findings by classification, when the workloads were
 * last audited, "Run audit now" for those allowed, and the way to the Drift tab.
 *
 * @public
 */
export function EntityDriftCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const drift = useEntityDrift(entityRef);
  const entityLink = useEntityRefLink();
  const { value, loading, error } = drift.findings;
  const counts = openCounts(value ?? []);
  const open = counts.critical + counts.unknown + counts.harmless;
  return (
    <InfoCard
      title="Drift"
      subheader={value && <LastAuditText lastAudit={drift.lastAudit} />}
      action={
        <RunAuditButtons
          definitions={drift.definitions}
          running={drift.running}
          error={drift.runError}
          onRun={drift.run}
        />
      }
      deepLink={{
        title: 'View drift findings',
        link: `${entityLink(entity)}/drift`,
      }}
    >
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Stack gap={1}>
          <Stack
            direction="row"
            gap={1}
            flexWrap="wrap"
            aria-label="Open findings by classification"
            role="list"
          >
            {ORDER.map(({ classification, color }) => (
              <Chip
                key={classification}
                role="listitem"
                color={counts[classification] > 0 ? color : 'default'}
                variant={counts[classification] > 0 ? 'filled' : 'outlined'}
                label={`${counts[classification]} ${classification}`}
              />
            ))}
          </Stack>
          <Typography variant="body2" color="text.secondary">
            {open === 0
              ? 'No open drift in the latest audit.'
              : `${open} open ${
                  open === 1 ? 'finding' : 'findings'
                } in the latest audit. `}
            {open > 0 && (
              <Link to={`${entityLink(entity)}/drift`}>Review them</Link>
            )}
          </Typography>
        </Stack>
      )}
    </InfoCard>
  );
}
