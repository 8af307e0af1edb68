import { ActionsService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { defineTool } from './types';

type Credentials = Parameters<ActionsService['list']>[0]['credentials'];

/**
 * Actions other plugins registered in Backstage's actions registry (the ones MCP clients see),
 * listed and invoked with the user's own credentials, so the user can do through Hermes only
 * what they could do anyway. An action not marked read-only counts as a change. Hermes's own
 * actions are left out: the agent has them as its own tools, under its own approval rules.
 */
export function actionTools(options: { actions: ActionsService }) {
  const { actions } = options;
  const others = async (credentials: Credentials) =>
    (await actions.list({ credentials })).actions.filter(
      a => a.pluginId !== 'hermes',
    );
  const find = async (id: string, credentials: Credentials) => {
    const action = (await others(credentials)).find(a => a.id === id);
    if (!action)
      throw new InputError(
        `No action "${id}" (or you may not use it); call actions_list to see the actions`,
      );
    return action;
  };
  return [
    defineTool({
      name: 'actions_list',
      description:
        'List actions from the Backstage actions registry (catalog, scaffolder, ...) you can call with action_call, with their input schemas.',
      input: z.object({
        text: z.string().optional().describe('Only actions mentioning this'),
      }),
      changes: false,
      async execute({ text }, { credentials }) {
        const needle = text?.toLowerCase();
        return (await others(credentials))
          .filter(
            a =>
              !needle ||
              `${a.id} ${a.title} ${a.description}`
                .toLowerCase()
                .includes(needle),
          )
          .map(a => ({
            id: a.id,
            title: a.title,
            description: a.description,
            readOnly: a.attributes.readOnly,
            destructive: a.attributes.destructive,
            input: a.schema.input,
          }));
      },
    }),
    defineTool({
      name: 'action_call',
      description:
        'Call an action from the Backstage actions registry by id with its input. Actions that change something may be held for approval.',
      input: z.object({
        id: z.string().describe('Action id from actions_list'),
        input: z
          .looseObject({})
          .default({})
          .describe('Input matching the action’s input schema'),
      }),
      changes: async ({ id }, { credentials }) =>
        !(await find(id, credentials)).attributes.readOnly,
      async execute({ id, input }, { credentials }) {
        await find(id, credentials);
        const { output } = await actions.invoke({
          id,
          input: input as Parameters<ActionsService['invoke']>[0]['input'],
          credentials,
        });
        return output;
      },
    }),
  ];
}
