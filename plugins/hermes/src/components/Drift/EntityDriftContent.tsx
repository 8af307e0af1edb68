import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DriftFindingRecord,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { EntityTasksCard } from '../Tasks';
import { FindingsTable } from './FindingsTable';

/**
 * The "Drift" tab: the latest findings about this entity's Kubernetes workloads, and the
 * scheduled tasks about it.
 */
export function EntityDriftContent() {
  const { entity } = useEntity();
  const hermesApi = useApi(hermesApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => hermesApi.listFindings({ entityRef }),
    [hermesApi, entityRef],
  );
  const resolve = async (
    finding: DriftFindingRecord,
    resolution: Resolution,
  ) => {
    await hermesApi.resolveFinding(finding.id, resolution);
    retry();
  };
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Content>
      <Stack gap={2}>
        <InfoCard title="Drift between Git and the cluster">
          {value && value.length > 0 ? (
            <FindingsTable findings={value} onResolve={resolve} />
          ) : (
            <Typography>
              No drift found for this entity's workloads in the latest audit.
            </Typography>
          )}
        </InfoCard>
        <EntityTasksCard />
      </Stack>
    </Content>
  );
}
