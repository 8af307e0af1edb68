import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLocalGitPublishAction } from './actions/localGit';
import { createPolicyPrecheckAction } from './actions/precheck';

/**
 * Adds Hermes' actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleHermes = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'hermes',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
      },
      async init({ scaffolder, config, urlReader }) {
        scaffolder.addActions(
          createPolicyPrecheckAction({ config, urlReader }),
          createLocalGitPublishAction({ config }),
        );
      },
    });
  },
});
