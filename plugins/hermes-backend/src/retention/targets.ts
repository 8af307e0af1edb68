import type { TraceStore } from '../agent/TraceStore';
import type { DeliveryStore } from '../delivery/DeliveryStore';
import type { TaskStore } from '../tasks/TaskStore';
import type { RetentionTarget } from './RetentionService';

/**
 * The agent's, the tasks' and the outbox's history as retention targets, named by their keys
 * under `hermes.retention`. Each store decides what may never go (a running run, a delivery
 * still on its way); retention only supplies the cutoff.
 */
export function storeTargets(stores: {
  traces: Pick<TraceStore, 'deleteTracesBefore'>;
  taskRuns: Pick<TaskStore, 'deleteRunsBefore'>;
  deliveries: Pick<DeliveryStore, 'deleteDeliveriesBefore'>;
}): RetentionTarget[] {
  return [
    {
      name: 'traces',
      deleteOlderThan: cutoff => stores.traces.deleteTracesBefore(cutoff),
    },
    {
      name: 'taskRuns',
      deleteOlderThan: cutoff => stores.taskRuns.deleteRunsBefore(cutoff),
    },
    {
      name: 'deliveries',
      deleteOlderThan: cutoff =>
        stores.deliveries.deleteDeliveriesBefore(cutoff),
    },
  ];
}
