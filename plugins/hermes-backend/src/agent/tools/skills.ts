import { z } from 'zod';
import { SkillsService } from '../../skills/SkillsService';
import { defineTool } from './types';

/**
 * Procedural memory for the agent: find and read skills (runbooks), and propose new ones or
 * changes. Proposals are drafts; they become active only when a person approves them.
 */
export function skillTools(options: { skills: SkillsService }) {
  const { skills } = options;
  return [
    defineTool({
      name: 'skills_search',
      description:
        'Search the skills library (runbooks written by the team or by you) by words. Returns names, descriptions and matching passages.',
      input: z.object({
        query: z.string().min(1),
        limit: z.number().int().min(1).max(20).default(5),
      }),
      changes: false,
      execute: ({ query, limit }) => skills.search(query, { limit }),
    }),
    defineTool({
      name: 'skill_view',
      description:
        'Load a skill’s full body (or one of its reference files) before following it.',
      input: z.object({
        name: z.string().min(1).describe('Skill name'),
        file: z.string().optional().describe('Reference file path, if any'),
      }),
      changes: false,
      execute: ({ name, file }, { traceId }) =>
        skills.view(name, { file, traceId }),
    }),
    defineTool({
      name: 'skill_draft',
      description:
        'Propose a new skill: a complete SKILL.md (YAML front matter with name and description, then a Markdown body). It waits for a person’s approval.',
      input: z.object({
        document: z.string().min(1).describe('The full SKILL.md text'),
        why: z.string().optional().describe('What experience it comes from'),
      }),
      changes: true,
      execute: ({ document, why }, { traceId }) =>
        skills.draft(document, { traceId, message: why }),
    }),
    defineTool({
      name: 'skill_patch',
      description:
        'Propose a change to an existing skill by replacing one unique passage of its text. It waits for a person’s approval.',
      input: z.object({
        name: z.string().min(1),
        oldText: z.string().min(1).describe('A passage that occurs once'),
        newText: z.string(),
        why: z.string().optional(),
      }),
      changes: true,
      execute: ({ name, oldText, newText, why }, { traceId }) =>
        skills.patch(name, { oldText, newText }, { traceId, message: why }),
    }),
  ];
}
