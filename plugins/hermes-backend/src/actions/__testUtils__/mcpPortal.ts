import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  hermesDriftReadPermission,
  hermesTasksAdminPermission,
} from '@hermes-backstage/plugin-hermes-common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Knex } from 'knex';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { demoAudit, examples } from '../../__testUtils__/demo';
import {
  catalogAsSeenByCaller,
  LINUS,
  policyModule,
} from '../../__testUtils__/teamPortal';
import { hermesPlugin } from '../../plugin';

export const GRACE = 'user:default/grace';
export { LINUS };

/**
 * An organisation's policy: linus may neither read all drift nor administer tasks; the rest
 * is allowed.
 */
class TeamPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      user?.info.userEntityRef === LINUS &&
      (isPermission(query.permission, hermesDriftReadPermission) ||
        isPermission(query.permission, hermesTasksAdminPermission))
    )
      return { result: AuthorizeResult.DENY };
    return { result: AuthorizeResult.ALLOW };
  }
}

const teamPolicy = policyModule(new TeamPolicy());

/**
 * A portal as an organisation runs it for MCP: Hermes with the demo audit, policies, skills and
 * one config task; the MCP actions backend exposing Hermes's actions; the permission backend
 * with the team policy. Returns the port it listens on.
 */
export async function startMcpPortal(knex: Knex): Promise<number> {
  const { server } = await startTestBackend({
    features: [
      hermesPlugin,
      mcpActionsPlugin,
      permissionPlugin,
      teamPolicy,
      catalogAsSeenByCaller,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          backend: { actions: { pluginSources: ['hermes'] } },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  { name: 'neuroscale-prod', url: 'https://127.0.0.1:1' },
                ],
              },
            ],
          },
          hermes: {
            audits: [demoAudit],
            policies: {
              sources: [
                path.join(examples, 'gitops/infrastructure/kyverno/policies'),
              ],
            },
            skills: { directories: [path.resolve(examples, '../skills')] },
            tasks: [
              {
                name: 'prod-drift',
                kind: 'drift-audit',
                audit: 'demo',
                schedule: 'every 6h',
              },
            ],
          },
        },
      }),
    ],
  });
  return (server.address() as AddressInfo).port;
}

/**
 * An MCP client as an engineer's would connect: Streamable HTTP on loopback with their
 * token (a user's, unless `authorization` gives another header).
 */
export async function connectMcp(
  port: number,
  userRef: string,
  authorization?: string,
): Promise<Client> {
  const client = new Client({ name: 'hermes-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${port}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: {
            Authorization:
              authorization ?? mockCredentials.user.header(userRef),
          },
        },
      },
    ),
  );
  return client;
}
