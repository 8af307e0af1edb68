// The learning-loop scenario: 30 days of a synthetic cluster with recurring drift patterns,
// each drift with its ground truth (how the person resolves it). Both modes replay it.
import {
  DriftFinding,
  ManagerClass,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';

export const DAYS = 30;
export const CLUSTER = 'prod-eu';
export const MIN_SUPPORT = 5;

export interface Drift {
  pattern: string;
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  type?: DriftFinding['type'];
  path?: string;
  manager?: string;
  managerClass?: ManagerClass;
  subresource?: string;
  redacted?: boolean;
  truth: Resolution;
  /** Hour of the day (UTC) the change was written. */
  hour: number;
  /** Seeds the live value of an unredacted change (1-99). */
  liveValue?: number;
}

interface Pattern {
  name: string;
  /** How many times the drift appears on a day. */
  count(day: number): number;
  make(): Omit<Drift, 'pattern' | 'hour' | 'liveValue'>;
}

/** mulberry32: a small seeded generator, so every run of a seed is the same. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TEAMS = [
  'team-a',
  'team-b',
  'team-c',
  'team-d',
  'team-e',
  'team-f',
];
export const DEPLOYMENT_PREFIXES = ['api', 'worker', 'web', 'cron', 'gateway'];
export const ANNOTATIONS = [
  'min-scale',
  'max-scale',
  'target',
  'window',
  'initial-scale',
];
export const KNATIVE_NAMESPACES = ['serving-stack', 'ml-serving'];
export const SECRET_NAMESPACES = ['payments', 'auth', 'billing'];
export const SECRET_NAMES = ['db', 'api', 'tls'];
export const SECRET_KEYS = ['password', 'token', 'tls.crt', 'tls.key'];
export const POLICIES = [
  'require-labels',
  'disallow-privileged',
  'restrict-registries',
];
export const CONFIGMAP_NAMES = ['app', 'feature'];
/** Deployments per prefix and team, and Knative Services per namespace, at scale 1. */
export const DEPLOYMENTS_PER_SCALE = 4;
export const SERVICES_PER_SCALE = 12;

/** The scenario for a seed and scale: `day(n)` draws day n's drift (call days in order). */
export function scenario(seed: number, scale: number) {
  const random = generator(seed);
  const between = (lo: number, hi: number) =>
    lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;

  const deployment = (namespace: string) => ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace,
    name: `${pick(DEPLOYMENT_PREFIXES)}-${between(
      1,
      DEPLOYMENTS_PER_SCALE * scale,
    )}`,
  });
  const knativeService = (namespace: string) => ({
    kind: 'Service',
    apiVersion: 'serving.knative.dev/v1',
    namespace,
    name: `model-${between(1, SERVICES_PER_SCALE * scale)}`,
  });
  const autoscalingPath = () =>
    `/spec/template/metadata/annotations/autoscaling.knative.dev~1${pick(
      ANNOTATIONS,
    )}`;

  // Recurring patterns: what a platform team sees every day, with its ground truth.
  const patterns: Pattern[] = [
    {
      name: 'Knative autoscaler annotations (controller)',
      count: () => between(14, 22),
      make: () => ({
        ...knativeService('serving-stack'),
        path: autoscalingPath(),
        manager: 'controller',
        managerClass: 'controller',
        truth: 'harmless',
      }),
    },
    {
      // A second namespace onboarded mid-month: the same drift, new place.
      name: 'Knative autoscaler annotations in ml-serving (from day 12)',
      count: day => (day >= 12 ? between(3, 6) : 0),
      make: () => ({
        ...knativeService('ml-serving'),
        path: autoscalingPath(),
        manager: 'controller',
        managerClass: 'controller',
        truth: 'harmless',
      }),
    },
    {
      name: 'HPA replicas via the scale subresource',
      count: () => between(12, 20),
      make: () => ({
        ...deployment(pick(TEAMS)),
        path: '/spec/replicas',
        manager: 'kube-controller-manager',
        managerClass: 'controller',
        subresource: 'scale',
        truth: 'harmless',
      }),
    },
    {
      name: 'Secrets rotated by external-secrets',
      count: () => between(3, 8),
      make: () => ({
        kind: 'Secret',
        apiVersion: 'v1',
        namespace: pick(SECRET_NAMESPACES),
        name: `${pick(SECRET_NAMES)}-credentials`,
        path: `/data/${pick(SECRET_KEYS)}`,
        manager: 'external-secrets',
        managerClass: 'controller',
        redacted: true,
        truth: 'harmless',
      }),
    },
    {
      name: 'manual ClusterPolicy edits by people',
      count: () => (chance(0.45) ? between(1, 2) : 0),
      make: () => ({
        kind: 'ClusterPolicy',
        apiVersion: 'kyverno.io/v1',
        name: pick(POLICIES),
        path: pick([
          '/spec/validationFailureAction',
          '/spec/background',
          '/spec/rules/0/validate/pattern/spec/containers/0/image',
          '/spec/rules/0/exclude/any/0/resources/namespaces',
        ]),
        ...pick([
          { manager: 'kubectl-edit', managerClass: 'human' as const },
          { manager: 'kubectl-patch', managerClass: 'human' as const },
          { manager: 'k9s', managerClass: 'human' as const },
        ]),
        truth: chance(0.8) ? 'reverted' : 'critical',
      }),
    },
    {
      // Noisy: people commit some hotfixes to Git and revert others.
      name: 'image hotfixes by people (committed or reverted)',
      count: () => between(1, 3),
      make: () => ({
        ...deployment(pick(TEAMS)),
        path: '/spec/template/spec/containers/0/image',
        manager: pick(['kubectl-set', 'kubectl-edit']),
        managerClass: 'human',
        truth: chance(0.5) ? 'committed' : 'reverted',
      }),
    },
    {
      // Noisy: a manual scale-up is sometimes fine, sometimes undone.
      name: 'manual scaling by people (harmless or reverted)',
      count: () => (chance(0.5) ? between(1, 2) : 0),
      make: () => ({
        ...deployment(pick(TEAMS)),
        path: '/spec/replicas',
        manager: 'kubectl-scale',
        managerClass: 'human',
        truth: chance(0.5) ? 'harmless' : 'reverted',
      }),
    },
    {
      // Traps: the same fields as harmless patterns, written by a person: critical.
      name: 'a person edits a Knative autoscaling annotation',
      count: () => (chance(0.2) ? 1 : 0),
      make: () => ({
        ...knativeService('serving-stack'),
        path: autoscalingPath(),
        manager: 'kubectl-edit',
        managerClass: 'human',
        truth: 'reverted',
      }),
    },
    {
      name: 'a person edits a Secret',
      count: () => (chance(0.15) ? 1 : 0),
      make: () => ({
        kind: 'Secret',
        apiVersion: 'v1',
        namespace: pick(['payments', 'auth']),
        name: 'db-credentials',
        path: '/data/password',
        manager: 'kubectl-edit',
        managerClass: 'human',
        redacted: true,
        truth: 'critical',
      }),
    },
    {
      name: 'a ConfigMap deleted from the cluster (no writer known)',
      count: () => (chance(0.3) ? 1 : 0),
      make: () => ({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        namespace: pick(TEAMS),
        name: `${pick(CONFIGMAP_NAMES)}-config`,
        type: 'missing',
        truth: 'reverted',
      }),
    },
  ];

  return {
    /** Day n's drift, each with the hour it was written and its live value. */
    day(day: number): Drift[] {
      const drifts = patterns.flatMap(p =>
        // Every pattern recurs once per copy of the cluster.
        Array.from({ length: scale }, () => p.count(day)).flatMap(n =>
          Array.from({ length: n }, () => ({ pattern: p.name, ...p.make() })),
        ),
      );
      // Drawn after the day's drift, in this order, so a seed gives the same days as before.
      return drifts.map(d => {
        const hour = between(1, 9);
        const liveValue = d.path && !d.redacted ? between(1, 99) : undefined;
        return { ...d, hour, liveValue };
      });
    },
  };
}

/** `--seed` (default 13) and `--scale` (default `defaultScale`) from the command line. */
export function readArgs(defaultScale: number) {
  const value = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const seed = value('--seed') ?? 13;
  const scale = value('--scale') ?? defaultScale;
  if (!Number.isInteger(seed) || !Number.isInteger(scale) || scale < 1) {
    throw new Error(
      '--seed and --scale take whole numbers (--scale at least 1)',
    );
  }
  return { seed, scale };
}

export const dayStamp = (day: number) =>
  `2026-11-${String(day).padStart(2, '0')}`;
