/**
 * Scaffolder actions from Hermes.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHermes as default } from './module';
export { createPolicyPrecheckAction } from './actions/precheck';
export { createLocalGitPublishAction } from './actions/localGit';
