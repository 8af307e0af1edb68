import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ActionsService,
  ActionsServiceAction,
} from '@backstage/backend-plugin-api/alpha';
import { actionTools } from './actions';
import { HermesTool, ToolContext } from './types';

const action = (pluginId: string, name: string): ActionsServiceAction => ({
  id: `${pluginId}:${name}`,
  pluginId,
  name,
  title: name,
  description: `${name} of ${pluginId}`,
  schema: { input: {}, output: {} },
  attributes: { readOnly: false, destructive: false, idempotent: false },
});

describe('registry action tools', () => {
  // The registry as the portal runs it with `hermes` among its plugin sources.
  const invoked: string[] = [];
  const actions: ActionsService = {
    list: async () => ({
      actions: [
        action('catalog', 'register-entity'),
        action('hermes', 'task-run'),
      ],
    }),
    invoke: async ({ id }) => {
      invoked.push(id);
      return { output: {} };
    },
  };
  const [list, call]: HermesTool[] = actionTools({ actions });
  const context: ToolContext = {
    credentials: mockCredentials.user('user:default/ada'),
    userRef: 'user:default/ada',
    sessionId: 's1',
    traceId: 't1',
  };

  it("offers other plugins' actions, not Hermes's own (the agent has those as its tools)", async () => {
    expect(
      ((await list.execute({}, context)) as Array<{ id: string }>).map(
        a => a.id,
      ),
    ).toEqual(['catalog:register-entity']);
    await expect(
      call.execute({ id: 'hermes:task-run', input: {} }, context),
    ).rejects.toThrow('No action "hermes:task-run"');
    await call.execute({ id: 'catalog:register-entity', input: {} }, context);
    expect(invoked).toEqual(['catalog:register-entity']);
  });
});
