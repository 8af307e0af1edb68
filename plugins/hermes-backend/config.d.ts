export interface Config {
  /** Configuration of the Hermes operations agent. */
  hermes?: {
    /** The skills library (procedural memory). */
    skills?: {
      /**
       * Directories whose sub-folders each hold a SKILL.md, read at start-up (read-only).
       * Relative paths resolve against the backend's working directory.
       */
      directories?: string[];
      /**
       * How many skills (name and description) the agent's prompt lists, the most relevant
       * to the task and entity first. Default 12; the index stays within 1,500 tokens.
       */
      indexSize?: number;
    };

    /** Kyverno policy pre-checks. */
    policies?: {
      /**
       * Where the policies the clusters enforce live: local files or directories (relative to
       * the backend's working directory) or URLs read through the configured integrations.
       * The default for the scaffolder step and for POST /api/hermes/policy/check.
       */
      sources?: string[];
      /**
       * Largest manifest or policy file accepted by the API, the agent and the scaffolder
       * step, in bytes; larger files are refused with an error naming them. Default 1048576
       * (1 MiB), about a second of YAML parsing; the CLI allows 5 MiB.
       */
      maxFileBytes?: number;
    };

    /**
     * Clusters Hermes reads live state from, in addition to the clusters of the Backstage
     * Kubernetes plugin's `kubernetes.clusterLocatorMethods` (type `config`).
     */
    clusters?: Array<{
      /** Unique cluster name, used by audits and findings. */
      name: string;
      /** URL of the Kubernetes API server. */
      url: string;
      /**
       * Bearer token of a service account allowed to list the audited kinds.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Base64-encoded certificate authority bundle of the API server. */
      caData?: string;
      /** Skip TLS verification of the API server (development only). */
      skipTLSVerify?: boolean;
    }>;

    /** Argo CD's API, for audits that take their desired state from an application. */
    argocd?: {
      /** e.g. https://argocd.example.com */
      baseUrl: string;
      /**
       * An Argo CD API token allowed to get applications.
       * @visibility secret
       */
      token: string;
    };

    /** Drift audits: Git (or a directory) against a cluster (or a snapshot of one). */
    audits?: Array<{
      /** Unique name, used in the API and the UI. */
      name: string;
      /** Cluster name from `kubernetes.clusterLocatorMethods` or `hermes.clusters`. */
      cluster: string;
      /**
       * Desired state: a local directory, a URL read through the integrations, or an Argo CD
       * application (its rendered target state and its ignoreDifferences).
       */
      desired: {
        directory?: string;
        url?: string;
        /** With `url`: the folder inside the repository to start from, e.g. clusters/prod. */
        path?: string;
        argocdApplication?: string;
      };
      /** Read live state from a directory of `kubectl get -o yaml` output instead of the API. */
      live?: { snapshot?: string };
      /**
       * Kubernetes audit events (JSON lines, as the API server's log backend writes them), to
       * name the user behind each change.
       */
      auditLog?: string;
      /** Namespaces to audit; default all that the desired state uses. */
      namespaces?: string[];
      /**
       * `group/version/Kind` of kinds whose live objects must all be in Git.
       * Default: kyverno.io/v1/ClusterPolicy and kyverno.io/v1/Policy.
       */
      watchedKinds?: string[];
      /** Argo CD style `ignoreDifferences`. */
      ignoreDifferences?: Array<{
        group?: string;
        kind: string;
        name?: string;
        namespace?: string;
        jsonPointers?: string[];
        managedFieldsManagers?: string[];
      }>;
      /** When to run, e.g. `{ frequency: { minutes: 30 }, timeout: { minutes: 5 } }`. */
      schedule?: {
        frequency: { cron: string } | string | { [unit: string]: number };
        timeout: string | { [unit: string]: number };
        initialDelay?: string | { [unit: string]: number };
      };
    }>;

    /**
     * Scheduled tasks declared in config, kept in step with the database at start-up (they
     * can be run and read through the API and UI, and changed only here). People create
     * more through the API, the UI and the CLI.
     */
    tasks?: Array<{
      /** Unique name. */
      name: string;
      /** `agent`: a free-text prompt run by the agent; `drift-audit`: one of `hermes.audits`. */
      kind: 'agent' | 'drift-audit';
      /**
       * A cron expression ("0 *\/6 * * *"), an interval ("every 6h", "every 30 minutes") or a
       * phrase ("daily at 09:00", "weekdays at 8am", "every monday 07:30").
       */
      schedule: string;
      /** IANA time zone the schedule is read in; default UTC. */
      timezone?: string;
      /** For `agent`: what to do. */
      prompt?: string;
      /** For `drift-audit`: the audit's name. */
      audit?: string;
      /** Entity the task is about, e.g. component:default/neuroscale-prod. */
      entityRef?: string;
      /** `provider/model`; default the purpose's model (`chat` or `audit`). */
      model?: string;
      /** Names of channels under `hermes.delivery.channels`. */
      deliver?: string[];
      /** Default true. */
      enabled?: boolean;
      /** A due time missed while no backend ran: `run-once` (default) or `skip` (recorded). */
      missedRuns?: 'run-once' | 'skip';
    }>;

    /** The learning loop: triage rules induced from how people resolved drift findings. */
    learning?: {
      /**
       * Labelled findings that must agree with a rule, with none against it, before it is
       * proposed as a skill draft. Default 5.
       */
      minSupport?: number;
      /**
       * Tasks (drift audits and agent runs; a task's run counts as one of those) between two
       * reflections of the `reflection` model; the count is checked every 10 minutes.
       * A whole number from 1 to 50. Default 15.
       */
      reflectEvery?: number;
      /**
       * When induction runs on Backstage's scheduler (once across replicas), e.g.
       * `{ frequency: { hours: 6 } }`. Default every 6 hours, first run a minute after start-up.
       */
      schedule?: {
        frequency: { cron: string } | { [unit: string]: number } | string;
        timeout?: { [unit: string]: number } | string;
        initialDelay?: { [unit: string]: number } | string;
      };
    };

    /** Where task reports go: an outbox in the database, retried until sent or dead. */
    delivery?: {
      /**
       * Channels by name. Tasks name them in `deliver`. Settings per `type`:
       * `slack`: token, channel (baseUrl optional); `discord`: webhookUrl; `telegram`:
       * botToken, chatId (baseUrl optional); `signal`: baseUrl (a signal-cli REST API),
       * number, recipients; `webhook`: url, secret (HMAC-SHA256 of the body in
       * `X-Hermes-Signature-256`); `notifications`: recipients and/or owners.
       */
      channels?: {
        [name: string]: {
          type:
            | 'slack'
            | 'discord'
            | 'telegram'
            | 'signal'
            | 'webhook'
            | 'notifications';
          /**
           * The platform's API root, for self-hosted gateways and tests: Slack
           * (default https://slack.com/api/), Telegram (default https://api.telegram.org);
           * required for Signal (the signal-cli REST API).
           */
          baseUrl?: string;
          /**
           * Slack bot token (xoxb-…).
           * @visibility secret
           */
          token?: string;
          /** Slack channel id or name. */
          channel?: string;
          /**
           * Discord webhook URL (it holds the webhook's token).
           * @visibility secret
           */
          webhookUrl?: string;
          /**
           * Telegram bot token.
           * @visibility secret
           */
          botToken?: string;
          /** Telegram chat id (a number, or @channelname). */
          chatId?: string;
          /** Signal: the sender's registered number. */
          number?: string;
          /** Signal: recipient numbers or group ids. Notifications: user or group entity refs. */
          recipients?: string[];
          /** Webhook: where to POST the report as JSON. */
          url?: string;
          /**
           * Webhook: the HMAC-SHA256 key for the signature header.
           * @visibility secret
           */
          secret?: string;
          /** Notifications: also the owners of the task's entity. */
          owners?: boolean;
        };
      };
      /** Retries of a failed send: exponential backoff from `initialDelay` up to `maxDelay`. */
      retry?: {
        /** Attempts before a delivery is dead and its owner told; default 8. */
        maxAttempts?: number;
        /** Default { seconds: 30 }. */
        initialDelay?: string | { [unit: string]: number };
        /** Default { hours: 1 }. */
        maxDelay?: string | { [unit: string]: number };
      };
      /** Time one send may take before it counts as failed; default { seconds: 15 }. */
      timeout?: string | { [unit: string]: number };
    };

    /**
     * How long Hermes keeps its history. A cleaner on Backstage's scheduler (task
     * `hermes-retention`, once across replicas) deletes what is older. Each key takes a
     * duration — `'90d'`, an ISO 8601 duration such as `'P90D'`, or `{ days: 90 }` — or
     * `false` to keep that history forever.
     */
    retention?: {
      /**
       * Drift audit runs with their reports, and findings first seen by them. A run is kept
       * while its findings are still seen, are a drift's latest or carry a person's label.
       * Default { days: 365 }: the learning loop's labelled history.
       */
      auditRuns?: string | { [unit: string]: number } | false;
      /**
       * Traces of agent turns (tools, skills, tokens, feedback), the learning loop's input:
       * a trace older than this goes with its feedback, whether or not a reflection read it;
       * the conversation stays. Default { days: 90 }.
       */
      traces?: string | { [unit: string]: number } | false;
      /**
       * Finished task runs (succeeded, failed, skipped) with their reports, by when they
       * finished. Never the task, never a queued or running run. Default { days: 90 }.
       */
      taskRuns?: string | { [unit: string]: number } | false;
      /**
       * Outbox rows that were sent or went dead, by when that happened. A delivery still on
       * its way (queued, sending, or failed and waiting to retry) is never deleted.
       * Default { days: 90 }, as task runs, so a run still shows where its report went.
       */
      deliveries?: string | { [unit: string]: number } | false;
      /**
       * How often the cleaner runs. Default every hour, first run 10 minutes after start-up,
       * timeout 15 minutes: each pass deletes about an hour's worth of rows in short
       * statements, and nothing outlives its retention by more than an hour.
       */
      schedule?: {
        frequency?: { cron: string } | { [unit: string]: number } | string;
        timeout?: { [unit: string]: number } | string;
        initialDelay?: { [unit: string]: number } | string;
      };
    };

    /** Stand-ins the demo portal uses for services it cannot reach. */
    demo?: {
      /**
       * Directory of the local Git repository that the `hermes:publish:local-git` scaffolder
       * step commits to, one new branch per task; created (with one commit on `main`) when
       * missing. Relative to the backend's working directory.
       */
      gitRepository?: string;
    };

    /** Model providers: any OpenAI-compatible endpoint (OpenAI, OpenRouter, Ollama, vLLM). */
    model?: {
      providers?: {
        [name: string]: {
          /** Base URL of the OpenAI-compatible API, e.g. https://openrouter.ai/api/v1 */
          baseUrl: string;
          /**
           * The API the provider speaks, for every purpose that uses it. Default `chat`: Chat
           * Completions, which every OpenAI-compatible server implements. `responses`: OpenAI's
           * Responses API, for its reasoning models.
           */
          api?: 'chat' | 'responses';
          /**
           * API key sent as a bearer token.
           * @visibility secret
           */
          apiKey?: string;
          /**
           * Extra HTTP headers sent with every request.
           * @visibility secret
           */
          headers?: { [name: string]: string };
        };
      };
    };

    /**
     * The model used for each purpose. Without any, Hermes runs deterministic features only
     * (drift detection, triage rules, policy checks) and says so where a model is needed.
     */
    models?: {
      /** Conversations with the agent. */
      chat?: { provider: string; model: string; timeoutSeconds?: number };
      /** Narrative summaries of drift audits. */
      audit?: { provider: string; model: string; timeoutSeconds?: number };
      /** The learning loop that proposes new skills. */
      reflection?: { provider: string; model: string; timeoutSeconds?: number };
    };

    /** The agent's memory. */
    memory?: {
      /**
       * Characters of curated notes per scope (each user, each entity, global) that every
       * session starts with. Default 2200.
       */
      maxNoteChars?: number;
    };

    /** How the agent runs a conversation. */
    agent?: {
      /**
       * Estimated tokens of conversation history sent to the model; beyond it older turns
       * are summarised (compaction). Default 16000.
       */
      sessionTokenBudget?: number;
      /** Model calls per turn, tool calls included. Default 8. */
      maxSteps?: number;
    };

    /**
     * What the agent may do with tools that change something (read-only tools always run).
     * The first matching rule decides; a changing call no rule matches is denied.
     */
    approvals?: {
      rules?: Array<{
        /** Tool name, `*` as wildcard (`?` for one character): e.g. `memory`, `skill_*`, `action_call`. */
        tool: string;
        /** For calls about a cluster, namespace or kind; unset matches any. */
        cluster?: string;
        namespace?: string;
        kind?: string;
        effect: 'allow' | 'deny' | 'require-approval';
        /** Who may approve a held call (user or group refs); default the user who asked. */
        approvers?: string[];
      }>;
    };
  };
}
