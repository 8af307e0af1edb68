import { DatabaseService } from '@backstage/backend-plugin-api';
import { KnexTraceStore, Trace, TraceStore } from './TraceStore';

export type { Trace };

/**
 * The agent's runs as the learning loop reads them: every run, whoever asked, with its goal,
 * tools, outcome and feedback. Not for routes: nothing here checks who may read a run.
 */
export interface TraceReader {
  /** Runs recorded (finished) after `since`, newest first, at most `limit`. */
  recentTraces(options: { since?: Date; limit: number }): Promise<Trace[]>;
  /** How many runs were recorded (finished) after `since`. */
  countTraces(options?: { since?: Date }): Promise<number>;
}

export class DefaultTraceReader implements TraceReader {
  constructor(private readonly traces: Pick<TraceStore, 'list' | 'count'>) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DefaultTraceReader> {
    return new DefaultTraceReader(await KnexTraceStore.create(options));
  }

  recentTraces(options: { since?: Date; limit: number }): Promise<Trace[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new Error(
        `limit must be a whole number of at least 1, got ${options.limit}`,
      );
    return this.traces.list(options);
  }

  countTraces(options: { since?: Date } = {}): Promise<number> {
    return this.traces.count(options);
  }
}
