import type * as Common from '@hermes-backstage/plugin-hermes-common';

/**
 * The shared policy, drift and skill engines, loaded when a command first needs them, so
 * that `--help` and usage errors answer without loading them.
 */
export function common(): typeof Common {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@hermes-backstage/plugin-hermes-common');
}

/** What the policy commands use of the shared library. */
export type PolicyEngine = Pick<
  typeof Common,
  | 'parseKubernetesYaml'
  | 'compilePolicies'
  | 'visitResults'
  | 'emptySummary'
  | 'countResult'
  | 'isFinding'
  | 'findingsOf'
  | 'resultLabel'
  | 'describeResource'
  | 'failingResults'
  | 'runKyvernoTest'
>;

const source = (name: string) =>
  `@hermes-backstage/plugin-hermes-common/src/${name}`;

const POLICY_MODULES = [
  'documents',
  'policies',
  'engine',
  'report',
  'kyvernoTest',
];

let policyEngineLoaded: PolicyEngine | undefined;

/**
 * Only the policy modules of the shared library: loading all of it (skills, permissions,
 * Backstage packages, zod schemas) took longer than reading a thousand manifests. Each
 * module is named by its source path; bin/hermes maps that to the build when the build is
 * current. Where there are no sources (an installed package), the whole library is loaded.
 */
export function policyEngine(): PolicyEngine {
  if (policyEngineLoaded) return policyEngineLoaded;
  const specifiers = POLICY_MODULES.map(name => source(`policy/${name}`));
  try {
    policyEngineLoaded = Object.assign(
      {},
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ...specifiers.map(specifier => require(specifier)),
    ) as PolicyEngine;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (
      code !== 'MODULE_NOT_FOUND' ||
      !specifiers.some(s => message?.includes(`'${s}'`))
    )
      throw error;
    policyEngineLoaded = common();
  }
  return policyEngineLoaded;
}
