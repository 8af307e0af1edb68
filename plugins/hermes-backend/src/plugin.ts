import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  actionsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { hermesSkillsExtensionPoint } from '@hermes-backstage/plugin-hermes-node';
import {
  hermesDriftReadPermission,
  hermesPermissions,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs';
import { registerHermesActions } from './actions/registerActions';
import { DefaultChatService } from './agent/ChatService';
import { DefaultTraceReader } from './agent/TraceReader';
import { DefaultSessionsService } from './agent/SessionsService';
import { AuthorizedDriftService } from './drift/AuthorizedDriftService';
import { DefaultDriftService } from './drift/DriftService';
import { DRIFT_MEMORY_KINDS } from './drift/memoryDocuments';
import { DefaultApprovalsService } from './governance/ApprovalsService';
import { readClusterDefinitions } from './kubernetes/clusters';
import { DefaultMemoryService } from './memory/MemoryService';
import { ModelRegistry } from './models/ModelRegistry';
import { DefaultPolicyService } from './policy/PolicyService';
import { createRouter } from './router';
import { DefaultSkillsService } from './skills/DefaultSkillsService';
import { DefaultStatusService } from './status/StatusService';
import { DefaultDeliveryService } from './delivery/DefaultDeliveryService';
import { DefaultTasksService } from './tasks/TasksService';
import { DefaultLearningService } from './learning/LearningService';
import { skillEffectSource } from './learning/metrics';
import { KnexTraceStore } from './agent/TraceStore';
import { KnexTaskStore } from './tasks/TaskStore';
import { KnexDeliveryStore } from './delivery/DeliveryStore';
import { DefaultRetentionService } from './retention/RetentionService';
import { storeTargets } from './retention/targets';

/**
 * The Hermes backend plugin. Only wiring lives here; each capability is in its own folder.
 *
 * @public
 */
export const hermesPlugin = createBackendPlugin({
  pluginId: 'hermes',
  register(env) {
    const moduleDirectories: string[] = [];
    env.registerExtensionPoint(hermesSkillsExtensionPoint, {
      addSkillDirectory(directory) {
        moduleDirectories.push(directory);
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
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        notifications: notificationService,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        actions: actionsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        urlReader,
        scheduler,
        lifecycle,
        catalog,
        auth,
        notifications,
        userInfo,
        permissions,
        permissionsRegistry,
        actions,
        actionsRegistry,
      }) {
        // Shared infrastructure first: a config mistake fails start-up naming the key.
        const clusters = readClusterDefinitions(config);
        const models = ModelRegistry.fromConfig(config);
        permissionsRegistry.addPermissions(hermesPermissions);

        const skills = await DefaultSkillsService.create({
          config,
          database,
          logger: logger.child({ capability: 'skills' }),
          moduleDirectories,
        });
        const policy = DefaultPolicyService.create({ config, urlReader });
        const memory = await DefaultMemoryService.create({
          config,
          database,
          catalog,
          permissions,
          // Drift about no entity is behind hermes.drift.read in memory as in the API.
          restrictedKinds: Object.fromEntries(
            DRIFT_MEMORY_KINDS.map(kind => [kind, hermesDriftReadPermission]),
          ),
        });
        const audits = await DefaultDriftService.create({
          config,
          database,
          logger: logger.child({ capability: 'drift' }),
          urlReader,
          catalog,
          auth,
          notifications,
          clusters,
          models,
          skills,
          memory,
        });
        await audits.scheduleAudits(scheduler);
        const drift = new AuthorizedDriftService(audits, {
          permissions,
          catalog,
          auth,
        });
        const approvals = await DefaultApprovalsService.create({
          config,
          database,
          userInfo,
          notifications,
          logger: logger.child({ capability: 'approvals' }),
        });
        const chat = await DefaultChatService.create({
          config,
          database,
          logger: logger.child({ capability: 'agent' }),
          models,
          catalog,
          clusters,
          actions,
          approvals,
          drift,
          policy,
          skills,
          memory,
        });
        const sessions = await DefaultSessionsService.create({
          database,
          permissions,
          memory,
          skills,
        });
        const delivery = await DefaultDeliveryService.create({
          config,
          database,
          logger: logger.child({ capability: 'delivery' }),
          notifications,
          lifecycle,
        });
        await delivery.start(scheduler);
        const tasks = await DefaultTasksService.create({
          config,
          database,
          logger: logger.child({ capability: 'tasks' }),
          auth,
          catalog,
          permissions,
          delivery,
          drift: audits,
          chat,
          models,
        });
        await tasks.start(scheduler);
        // Induction reads every cluster's labelled drift; its routes ask hermes.drift.read.
        const learning = await DefaultLearningService.create({
          config,
          database,
          logger: logger.child({ capability: 'learning' }),
          drift: audits,
          skills,
          permissions,
          models,
          traces: await DefaultTraceReader.create({ database }),
        });
        await learning.start(scheduler);
        // Old history deleted on a schedule, once across replicas, as hermes.retention says.
        // Each store that keeps history passes its target in this list.
        const retention = DefaultRetentionService.create({
          config,
          logger: logger.child({ capability: 'retention' }),
          targets: [
            {
              name: 'auditRuns',
              deleteOlderThan: cutoff => audits.deleteAuditsBefore(cutoff),
            },
            ...storeTargets({
              traces: await KnexTraceStore.create({ database }),
              taskRuns: await KnexTaskStore.create({ database }),
              deliveries: await KnexDeliveryStore.create({ database }),
            }),
          ],
        });
        await retention.start(scheduler);
        const status = new DefaultStatusService({
          version: readPackageVersion(),
          databaseClient: String(
            (await database.getClient()).client.config.client,
          ),
          clusters,
          models,
          skills,
        });

        httpRouter.use(
          createRouter({
            httpAuth,
            permissions,
            status,
            policy,
            drift,
            chat,
            sessions,
            approvals,
            skills,
            memory,
            tasks,
            learning,
            catalog,
            skillEffects: skillEffectSource({
              drift: audits,
              skills,
              permissions,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // For MCP clients, through the MCP actions backend, with the caller's credentials.
        registerHermesActions(actionsRegistry, {
          policy,
          drift,
          skills,
          memory,
          tasks,
        });
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
