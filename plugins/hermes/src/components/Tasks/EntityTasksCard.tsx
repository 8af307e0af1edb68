import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useState } from 'react';
import { hermesApiRef } from '../../api';
import { stillMoving } from './format';
import { TaskDialog } from './TaskDialog';
import { TasksTable } from './TasksTable';
import { usePoll, useReloadable } from './usePoll';

/**
 * The scheduled tasks about this entity, with their last run and deliveries; "New task"
 * starts one already scoped to the entity. Run histories open on the Hermes page.
 *
 * @public
 */
export function EntityTasksCard(props: {
  /** Where the Hermes page is mounted, for the links to run histories. */
  hermesPath?: string;
}) {
  const { hermesPath = '/hermes' } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const hermesApi = useApi(hermesApiRef);
  const tasks = useReloadable(
    async () => hermesApi.listTasks({ entityRef }),
    [hermesApi, entityRef],
  );
  const [creating, setCreating] = useState(false);
  usePoll(
    (tasks.value ?? []).some(t => stillMoving(t.lastRun)),
    tasks.reload,
  );

  return (
    <InfoCard
      title="Scheduled tasks"
      action={
        <Button
          startIcon={<AddIcon />}
          onClick={() => setCreating(true)}
          sx={{ mt: 1, mr: 1 }}
        >
          New task
        </Button>
      }
    >
      {tasks.loading && !tasks.value && <Progress />}
      {tasks.error && !tasks.value && (
        <ResponseErrorPanel error={tasks.error} />
      )}
      {tasks.value?.length === 0 && (
        <Typography color="text.secondary">
          No tasks about {entityRef}. New task schedules an audit or an agent
          prompt about it, with its report delivered where you choose.
        </Typography>
      )}
      {tasks.value && tasks.value.length > 0 && (
        <Stack sx={{ overflowX: 'auto' }}>
          <TasksTable
            tasks={tasks.value}
            linkBase={hermesPath}
            showEntity={false}
            onRan={tasks.reload}
            onChanged={tasks.reload}
          />
        </Stack>
      )}
      {creating && (
        <TaskDialog
          prefill={{ entityRef }}
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            tasks.reload();
          }}
        />
      )}
    </InfoCard>
  );
}
