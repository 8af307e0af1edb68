/** The purposes a model can be configured for (`hermes.models.<purpose>`). */
export const MODEL_PURPOSES = ['chat', 'audit', 'reflection'] as const;

/** @public */
export type ModelPurpose = (typeof MODEL_PURPOSES)[number];

/**
 * What `GET /api/hermes/status` reports: enough for a platform engineer to see at a glance
 * whether Hermes is wired to their database, clusters, models and skills.
 *
 * @public
 */
export interface HermesStatus {
  /** Version of the installed backend plugin package. */
  version: string;
  database: {
    /** The knex client in use, e.g. `better-sqlite3` or `pg`. */
    client: string;
  };
  /** Clusters Hermes can audit, from the `kubernetes` config section and `hermes.clusters`. */
  clusters: Array<{ name: string; source: 'kubernetes' | 'hermes' }>;
  /** One entry per configured purpose; empty when no model is configured. */
  models: Array<{ purpose: ModelPurpose; provider: string; model: string }>;
  skills: {
    /** Names of the skills currently in the library. */
    names: string[];
    /** Skill documents that could not be loaded, with the reason. */
    errors: Array<{ location: string; message: string }>;
  };
}

/** Whether one configured model answered the check, and how fast. @public */
export interface ModelCheck {
  purpose: ModelPurpose;
  provider: string;
  model: string;
  /** The API its provider speaks: Chat Completions or OpenAI's Responses API. */
  api: 'chat' | 'responses';
  ok: boolean;
  /** From sending the request to the whole answer, or to the failure. */
  latencyMs: number;
  /** Why the model did not answer, with any configured secret masked. */
  error?: string;
}

/** The answer to `POST /api/hermes/status/models/check`: one entry per configured purpose. @public */
export interface ModelChecks {
  checkedAt: string;
  models: ModelCheck[];
}
