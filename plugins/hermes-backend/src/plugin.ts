import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { actionsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { hermesSkillsExtensionPoint } from '@hermes-backstage/plugin-hermes-node';
import { hermesPermissions } from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs';
import path from 'node:path';
import { ModelRegistry } from './agent/models';
import { ChatService } from './agent/ChatService';
import { KnexSessionStore } from './agent/SessionStore';
import { KnexTraceStore } from './agent/TraceStore';
import { actionTools } from './agent/tools/actions';
import { catalogTools } from './agent/tools/catalog';
import { driftTools } from './agent/tools/drift';
import { kubernetesTools } from './agent/tools/kubernetes';
import { memoryTools } from './agent/tools/memory';
import { policyTools } from './agent/tools/policy';
import { skillTools } from './agent/tools/skills';
import { readApprovalRules } from './governance/approvalRules';
import { ApprovalsService } from './governance/ApprovalsService';
import { KnexApprovalStore } from './governance/ApprovalStore';
import { readClusterDefinitions } from './drift/clusters';
import { readArgoCdConnection } from './drift/ArgoCdSource';
import { KnexDriftStore } from './drift/DriftStore';
import {
  DefaultDriftService,
  readAuditDefinitions,
} from './drift/DriftService';
import {
  DefaultMemoryService,
  readableEntitiesFromCatalog,
} from './memory/MemoryService';
import { KnexMemoryStore } from './memory/MemoryStore';
import { KnexNotesStore } from './memory/NotesStore';
import { applyDatabaseMigrations } from './migrations';
import { DefaultPolicyService } from './policy/PolicyService';
import { createRouter } from './router';
import { KnexSkillStore } from './skills/SkillStore';
import { DefaultSkillsService } from './skills/SkillsService';
import { DefaultStatusService } from './status/StatusService';

/**
 * The Hermes backend plugin. Only wiring lives here; each capability is in its own folder.
 *
 * @public
 */
export const hermesPlugin = createBackendPlugin({
  pluginId: 'hermes',
  register(env) {
    const moduleSkillDirectories: string[] = [];
    env.registerExtensionPoint(hermesSkillsExtensionPoint, {
      addSkillDirectory(directory) {
        moduleSkillDirectories.push(directory);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        urlReader: coreServices.urlReader,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        notifications: notificationService,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        actions: actionsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        urlReader,
        scheduler,
        catalog,
        auth,
        notifications,
        userInfo,
        permissions,
        permissionsRegistry,
        actions,
      }) {
        // Read config first so a mistake fails start-up with a message naming the key.
        const clusters = readClusterDefinitions(config);
        const models = ModelRegistry.fromConfig(config);
        const audits = readAuditDefinitions(config, clusters);
        const approvalRules = readApprovalRules(config);
        const configuredDirectories = (
          config.getOptionalStringArray('hermes.skills.directories') ?? []
        ).map(dir => path.resolve(dir));

        permissionsRegistry.addPermissions(hermesPermissions);

        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }

        const skills = new DefaultSkillsService({
          store: new KnexSkillStore(knex),
          logger: logger.child({ capability: 'skills' }),
          directories: [...configuredDirectories, ...moduleSkillDirectories],
        });
        await skills.reloadDirectories();

        const status = new DefaultStatusService({
          version: readPackageVersion(),
          databaseClient: String(knex.client.config.client),
          clusters,
          models: models.selections,
          skills,
        });

        const policy = new DefaultPolicyService({
          urlReader,
          defaultSources:
            config.getOptionalStringArray('hermes.policies.sources') ?? [],
        });

        const memory = new DefaultMemoryService({
          store: new KnexMemoryStore(knex),
          notes: new KnexNotesStore(knex),
          canReadEntities: readableEntitiesFromCatalog(catalog),
          maxNoteChars: config.getOptionalNumber('hermes.memory.maxNoteChars'),
        });

        const drift = new DefaultDriftService({
          store: new KnexDriftStore(knex),
          skills,
          urlReader,
          logger: logger.child({ capability: 'drift' }),
          clusters,
          audits,
          models,
          notify: { catalog, auth, notifications },
          argocd: readArgoCdConnection(config),
          memory,
        });
        await drift.scheduleAudits(scheduler);

        const approvals = new ApprovalsService({
          store: new KnexApprovalStore(knex),
          userInfo,
          notifications,
          logger: logger.child({ capability: 'approvals' }),
        });
        const chat = new ChatService({
          store: new KnexSessionStore(knex),
          traces: new KnexTraceStore(knex),
          approvals,
          rules: approvalRules,
          tools: [
            ...catalogTools({ catalog }),
            ...kubernetesTools({ clusters, catalog }),
            ...driftTools({ drift, catalog }),
            ...policyTools({ policy }),
            ...actionTools({ actions }),
            ...skillTools({ skills }),
            ...memoryTools({ memory }),
          ],
          models,
          catalog,
          drift,
          permissions,
          memory,
          skills,
          logger: logger.child({ capability: 'agent' }),
          chat: {
            sessionTokenBudget:
              config.getOptionalNumber('hermes.agent.sessionTokenBudget') ??
              16000,
            maxSteps: config.getOptionalNumber('hermes.agent.maxSteps') ?? 8,
            skillIndexSize: config.getOptionalNumber('hermes.skills.indexSize'),
          },
        });

        httpRouter.use(
          createRouter({
            httpAuth,
            permissions,
            status,
            policy,
            drift,
            catalog,
            chat,
            approvals,
            skills,
            memory,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});

function readPackageVersion(): string {
  const file = resolvePackagePath(
    '@hermes-backstage/plugin-hermes-backend',
    'package.json',
  );
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}
