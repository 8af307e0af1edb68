import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { MemoryService } from '../memory/MemoryService';
import { SkillsService } from '../skills/SkillsService';
import { asUser } from './credentials';

/** Skills (procedural memory) and episodic memory, read-only. */
export function registerKnowledgeActions(
  registry: ActionsRegistryService,
  services: {
    skills: Pick<SkillsService, 'search' | 'view'>;
    memory: Pick<MemoryService, 'search'>;
  },
) {
  const { skills, memory } = services;

  registry.register({
    name: 'skills-search',
    title: 'Search Hermes skills (runbooks)',
    description: [
      'Searches the active skills: Markdown runbooks for operations (drift triage, incident response, policy changes),',
      'written by people or proposed by Hermes and approved. Returns names, descriptions and the passage that matched',
      '(matches in **bold**); read one with skill-view.',
      'Examples: {"query": "knative autoscaler replicas"}; {"query": "kyverno policy edited in cluster", "limit": 5}.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          query: z.string().min(1).max(1000).describe('Words to look for'),
          limit: z.number().int().min(1).max(50).default(10),
        }),
      output: z =>
        z.object({
          skills: z.array(
            z.object({
              name: z.string(),
              description: z.string(),
              tags: z.array(z.string()),
              snippet: z.string(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Runbooks about autoscaler drift',
        input: { query: 'knative autoscaler', limit: 10 },
      },
    ],
    async action({ input }) {
      const hits = await skills.search(input.query, { limit: input.limit });
      return { output: { skills: hits } };
    },
  });

  registry.register({
    name: 'skill-view',
    title: 'Read a Hermes skill',
    description: [
      'The body of an active skill (its runbook text), or one of its reference files, with the list of reference files.',
      'Examples: {"name": "knative-autoscaler-drift"}; {"name": "kyverno-drift-response", "file": "references/<file>"}',
      'for a file the first answer lists.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          name: z.string().min(1).describe('Skill name, from skills-search'),
          file: z
            .string()
            .min(1)
            .optional()
            .describe('A reference file of the skill instead of its body'),
        }),
      output: z =>
        z.object({
          name: z.string(),
          version: z.number(),
          file: z.string().optional(),
          content: z.string(),
          files: z.array(z.string()),
        }),
    },
    examples: [
      { title: 'A skill’s body', input: { name: 'knative-autoscaler-drift' } },
    ],
    async action({ input }) {
      // Reads by a client count as no agent use: no trace id is passed.
      return { output: await skills.view(input.name, { file: input.file }) };
    },
  });

  registry.register({
    name: 'memory-search',
    title: 'Search what Hermes remembers',
    description: [
      'Full-text search of Hermes’s episodic memory: past agent conversations (only the caller’s own),',
      'drift audits, findings, how people resolved them, and task runs, limited to what the caller may read.',
      'Returns titles, passages with matches in **bold**, and portal links.',
      'Examples: {"query": "require-resource-limits ops-admin"};',
      '{"query": "reverted", "kinds": ["resolution"], "entityRef": "component:default/fraud-detector"}.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          query: z.string().min(1).max(1000),
          kinds: z
            .array(z.string().min(1))
            .optional()
            .describe('Only these: session, audit, finding, resolution, task'),
          entityRef: z
            .string()
            .min(1)
            .optional()
            .describe('Only memory about this catalog entity'),
          limit: z.number().int().min(1).max(50).default(10),
        }),
      output: z =>
        z.object({
          hits: z.array(
            z.object({
              kind: z.string(),
              sourceId: z.string(),
              title: z.string(),
              snippet: z.string(),
              link: z.string(),
              entityRef: z.string().optional(),
              updatedAt: z.string(),
              score: z.number(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Past manual policy edits',
        input: { query: 'ClusterPolicy manual apply', limit: 10 },
      },
    ],
    async action({ input, credentials }) {
      const hits = await memory.search(input.query, {
        credentials: asUser(credentials, 'hermes:memory-search'),
        kinds: input.kinds,
        entityRef: input.entityRef,
        limit: input.limit,
      });
      return { output: { hits } };
    },
  });
}
