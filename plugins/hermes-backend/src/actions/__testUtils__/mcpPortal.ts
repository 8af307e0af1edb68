import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  hermesDriftReadPermission,
  hermesTasksAdminPermission,
} from '@hermes-backstage/plugin-hermes-common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Knex } from 'knex';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { demoAudit, examples } from '../../__testUtils__/demo';
import { hermesPlugin } from '../../plugin';

export const GRACE = 'user:default/grace';
export const LINUS = 'user:default/linus';

/** The demo catalog, as `examples/catalog` describes it. */
const entities: Entity[] = ['inference-platform.yaml', 'org.yaml'].flatMap(
  file =>
    parseAllDocuments(
      fs.readFileSync(path.join(examples, 'catalog', file), 'utf8'),
    ).map(doc => {
      const entity = doc.toJS() as Entity;
      entity.metadata.namespace ??= 'default';
      return entity;
    }),
);

/**
 * The catalog as each caller may read it, as catalog permission rules would give it: linus
 * reads his team's (ranking) entities and the org; everyone else reads everything.
 */
const catalogAsSeenByCaller = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => {
    const visible = (credentials: any) =>
      credentials?.principal?.userEntityRef === LINUS
        ? entities.filter(
            e =>
              e.kind === 'Group' ||
              e.kind === 'User' ||
              (e.spec as any)?.owner === 'group:ranking',
          )
        : entities;
    const methods = Object.getOwnPropertyNames(
      Object.getPrototypeOf(catalogServiceMock({ entities: [] })),
    ).filter(name => name !== 'constructor');
    return Object.fromEntries(
      methods.map(method => [
        method,
        (query: unknown, options?: { credentials: unknown }) =>
          (
            catalogServiceMock({
              entities: visible(options?.credentials),
            }) as any
          )[method](query, options),
      ]),
    ) as any;
  },
});

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

const teamPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'team-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new TeamPolicy());
      },
    });
  },
});

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
