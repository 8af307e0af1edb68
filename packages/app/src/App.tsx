import { createApp } from '@backstage/frontend-defaults';

/**
 * The portal. Every frontend plugin listed in this package's dependencies (Hermes, catalog,
 * scaffolder, kubernetes, notifications, search, ...) is installed by feature discovery,
 * enabled with `app.packages: all` in app-config.yaml.
 */
export default createApp();
