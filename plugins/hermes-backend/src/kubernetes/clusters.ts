import { Config } from '@backstage/config';

/** A cluster Hermes can read live state from, with how to reach it. */
export interface ClusterDefinition {
  name: string;
  url: string;
  /** `kubernetes`: shared with the Backstage Kubernetes plugin; `hermes`: `hermes.clusters`. */
  source: 'kubernetes' | 'hermes';
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify?: boolean;
}

function readCluster(
  cluster: Config,
  source: ClusterDefinition['source'],
): ClusterDefinition {
  return {
    name: cluster.getString('name'),
    url: cluster.getString('url'),
    source,
    serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
    caData: cluster.getOptionalString('caData'),
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify'),
  };
}

/**
 * Reads cluster definitions so users configure clusters once: the `config` locators of the
 * Backstage Kubernetes plugin's `kubernetes` section, plus Hermes' own `hermes.clusters`.
 * A name defined in both places is an error, because audits address clusters by name.
 */
export function readClusterDefinitions(config: Config): ClusterDefinition[] {
  const clusters: ClusterDefinition[] = [];
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const locator of locators) {
    if (locator.getString('type') !== 'config') continue;
    for (const cluster of locator.getOptionalConfigArray('clusters') ?? []) {
      clusters.push(readCluster(cluster, 'kubernetes'));
    }
  }
  for (const cluster of config.getOptionalConfigArray('hermes.clusters') ??
    []) {
    const definition = readCluster(cluster, 'hermes');
    const clash = clusters.find(c => c.name === definition.name);
    if (clash) {
      throw new Error(
        `hermes.clusters: cluster "${definition.name}" is already defined in the ${clash.source} config section`,
      );
    }
    clusters.push(definition);
  }
  return clusters;
}
