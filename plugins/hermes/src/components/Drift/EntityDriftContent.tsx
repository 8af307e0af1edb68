import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { hermesApiRef } from '../../api';
import { EntityTasksCard } from '../Tasks';
import { LastAuditText, RunAuditButtons } from './AuditNow';
import { EntitySkillsCard } from './EntitySkillsCard';
import { FindingsTable, ResolveHandler } from './FindingsTable';
import { useEntityDrift } from './useEntityDrift';

/**
 * The "Drift" tab: the latest findings about this entity's Kubernetes workloads, when they
 * were audited (and a button to audit now), the skills that apply to it, and the scheduled
 * tasks about it.
 */
export function EntityDriftContent() {
  const { entity } = useEntity();
  const hermesApi = useApi(hermesApiRef);
  const entityRef = stringifyEntityRef(entity);
  const drift = useEntityDrift(entityRef);
  const { value, loading, error, retry } = drift.findings;
  const resolve: ResolveHandler = async (finding, resolution, details) => {
    await hermesApi.resolveFinding(finding.id, resolution, details);
    retry();
  };
  const undo = async (finding: DriftFindingRecord) => {
    await hermesApi.undoResolution(finding.id);
    retry();
  };
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Content>
      <Stack gap={2}>
        <InfoCard
          title="Drift between Git and the cluster"
          subheader={<LastAuditText lastAudit={drift.lastAudit} />}
          action={
            <RunAuditButtons
              definitions={drift.definitions}
              running={drift.running}
              error={drift.runError}
              onRun={drift.run}
            />
          }
        >
          {value && value.length > 0 ? (
            <FindingsTable findings={value} onResolve={resolve} onUndo={undo} />
          ) : (
            <Typography>
              No drift found for this entity's workloads in the latest audit.
            </Typography>
          )}
        </InfoCard>
        <EntitySkillsCard entityRef={entityRef} refreshKey={value} />
        <EntityTasksCard />
      </Stack>
    </Content>
  );
}
