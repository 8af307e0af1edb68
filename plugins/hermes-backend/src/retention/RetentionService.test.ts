import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DefaultRetentionService, RetentionTarget } from './RetentionService';

const now = new Date('2026-11-30T12:00:00Z');

/** A target that remembers the cutoffs it was given. */
function target(name: string, deleted: number | Error) {
  const cutoffs: string[] = [];
  const t: RetentionTarget = {
    name,
    async deleteOlderThan(cutoff) {
      cutoffs.push(cutoff.toISOString());
      if (deleted instanceof Error) throw deleted;
      return deleted;
    },
  };
  return { target: t, cutoffs };
}

const create = (retention: object, targets: RetentionTarget[]) =>
  DefaultRetentionService.create({
    config: new ConfigReader({ hermes: { retention } }),
    logger: mockServices.logger.mock(),
    targets,
  });

describe('DefaultRetentionService', () => {
  it('gives each target the cutoff of its own key and skips the ones kept forever', async () => {
    const traces = target('traces', 4);
    const runs = target('taskRuns', 0);
    const audits = target('auditRuns', 7);
    const service = create({ traces: '30d', taskRuns: false }, [
      traces.target,
      runs.target,
      audits.target,
    ]);
    expect(await service.clean(now)).toEqual({
      traces: { cutoff: '2026-10-31T12:00:00.000Z', deleted: 4 },
      auditRuns: { cutoff: '2025-11-30T12:00:00.000Z', deleted: 7 },
    });
    expect(runs.cutoffs).toEqual([]);
  });

  it('still cleans the other targets when one fails, then fails the pass naming it', async () => {
    const broken = target('traces', new Error('connection reset'));
    const runs = target('taskRuns', 2);
    const service = create({}, [broken.target, runs.target]);
    await expect(service.clean(now)).rejects.toThrow(
      'Retention pass failed for traces: connection reset',
    );
    expect(runs.cutoffs).toHaveLength(1);
  });

  it('refuses a target no hermes.retention key names, or one given twice', () => {
    expect(() => create({}, [target('sessions', 0).target])).toThrow(
      'Retention target "sessions" has no key under hermes.retention; expected one of auditRuns, traces, taskRuns, deliveries',
    );
    expect(() =>
      create({}, [target('traces', 0).target, target('traces', 0).target]),
    ).toThrow('Retention target "traces" is given twice');
  });
});
