import path from 'node:path';

/** The repository's `examples/` folder: the demo GitOps repo, cluster snapshot and catalog. */
export const examples = path.resolve(__dirname, '../../../../examples');

/** The demo audit of `neuroscale-prod`, as an entry of `hermes.audits`. */
export const demoAudit = {
  name: 'demo',
  cluster: 'neuroscale-prod',
  desired: {
    directory: path.join(examples, 'gitops/clusters/neuroscale-prod'),
  },
  live: {
    snapshot: path.join(examples, 'cluster-snapshot/neuroscale-prod'),
  },
};

/**
 * Everything the backend writes to the console from now on, at every level, one string per
 * call, for tests that check no Secret value reaches a log.
 */
export function captureLogs(): string[] {
  const logs: string[] = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(
        args
          .map(a => (typeof a === 'string' ? a : JSON.stringify(a)))
          .join(' '),
      );
    });
  }
  return logs;
}
