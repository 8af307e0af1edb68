import { KubernetesObject } from './documents';
import {
  filtersOf,
  MatchBlock,
  ResourceDescription,
  ResourceFilter,
} from './match';
import { KyvernoRule } from './types';
import { replaceForTemplate } from './celAutogen';

/** Pod controllers Kyverno generates rules for by default, with the kinds it matches. */
const CONTROLLER_KINDS: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
};
const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

function descriptions(block: MatchBlock | undefined): ResourceDescription[] {
  if (!block) return [];
  return filtersOf(block).filters.flatMap(f =>
    f.resources ? [f.resources] : [],
  );
}

/**
 * Kyverno's rule for whether a policy gets generated rules at all: no rule may select by
 * name, label selector or annotations, or mix Pod with other kinds in one `kinds` list,
 * and some rule must select Pods (or a controller) by kind.
 */
function canAutogen(rules: KyvernoRule[]): boolean {
  let needed = false;
  for (const rule of rules) {
    if (rule.generate) return false;
    if (
      (rule.mutate as any)?.patchesJson6902 ||
      (rule.mutate as any)?.foreach?.some((f: any) => f?.patchesJson6902)
    ) {
      return false;
    }
    for (const d of [
      ...descriptions(rule.match),
      ...descriptions(rule.exclude),
    ]) {
      if (d.name || d.names?.length || d.selector || d.annotations)
        return false;
      const kinds = d.kinds ?? [];
      if (kinds.length > 1 && kinds.includes('Pod')) return false;
      if (kinds.some(k => k === 'Pod' || k in CONTROLLER_KINDS)) needed = true;
    }
  }
  return needed;
}

/** The controllers to generate rules for, from the policy's autogen annotation. */
function controllersFor(policy: KubernetesObject): string[] {
  const annotation = policy.metadata.annotations?.[AUTOGEN_ANNOTATION];
  if (annotation === undefined) return Object.keys(CONTROLLER_KINDS);
  return annotation
    .split(',')
    .map(s => s.trim())
    .filter(s => s in CONTROLLER_KINDS);
}

function selectsPods(block: MatchBlock | undefined): boolean {
  return descriptions(block).some(d => d.kinds?.includes('Pod'));
}

function replaceKinds(
  block: MatchBlock | undefined,
  kinds: string[],
): MatchBlock | undefined {
  if (!block) return undefined;
  const swap = (filter: ResourceFilter): ResourceFilter =>
    filter.resources?.kinds?.includes('Pod')
      ? { ...filter, resources: { ...filter.resources, kinds } }
      : filter;
  if (block.any?.length) return { ...block, any: block.any.map(swap) };
  if (block.all?.length) return { ...block, all: block.all.map(swap) };
  return swap(block) as MatchBlock;
}

/**
 * Builds one generated rule: patterns wrapped for the pod template, then Kyverno's plain text
 * replacement of `request.object.spec` / `.metadata` (and `oldObject`) in the whole rule.
 */
function generate(
  rule: KyvernoRule,
  prefix: string,
  kinds: string[],
  template: string[],
): KyvernoRule {
  const wrap = (pattern: unknown) =>
    template.reduceRight<unknown>((inner, key) => ({ [key]: inner }), pattern);
  const v = rule.validate!;
  const validate = {
    message: v.message,
    failureAction: v.failureAction,
    ...(v.pattern !== undefined ? { pattern: wrap(v.pattern) } : {}),
    ...(v.anyPattern ? { anyPattern: v.anyPattern.map(wrap) } : {}),
    ...(v.deny ? { deny: v.deny } : {}),
    ...(v.foreach ? { foreach: v.foreach } : {}),
    ...(v.cel ? { cel: v.cel } : {}),
    ...(v.podSecurity ? { podSecurity: v.podSecurity } : {}),
  };
  const generated: KyvernoRule = {
    ...rule,
    name: `${prefix}${rule.name}`.slice(0, 63),
    match: replaceKinds(rule.match, kinds),
    exclude:
      rule.exclude && descriptions(rule.exclude).some(d => d.kinds?.length)
        ? replaceKinds(rule.exclude, kinds)
        : rule.exclude,
    validate,
  };
  const inner = template.slice(0, -1).join('.'); // "spec" or "spec.jobTemplate.spec"
  const text = JSON.stringify(generated)
    .replace(/request\.object\.spec/g, `request.object.${inner}.template.spec`)
    .replace(
      /request\.oldObject\.spec/g,
      `request.oldObject.${inner}.template.spec`,
    )
    .replace(
      /request\.object\.metadata/g,
      `request.object.${inner}.template.metadata`,
    )
    .replace(
      /request\.oldObject\.metadata/g,
      `request.oldObject.${inner}.template.metadata`,
    );
  const result: KyvernoRule = JSON.parse(text);
  // CEL expressions name the object directly (`object.spec`), as Kyverno's CEL autogen rewrites.
  if (result.validate?.cel) {
    result.validate.cel = JSON.parse(
      replaceForTemplate(
        JSON.stringify(rule.validate!.cel),
        `${inner}.template`,
      ),
    );
  }
  return result;
}

/**
 * The rules Kyverno adds to a Pod policy so that it also covers Pod controllers:
 * `autogen-<rule>` for Deployments, StatefulSets, DaemonSets, Jobs, ReplicaSets and
 * ReplicationControllers (pod template at spec.template), `autogen-cronjob-<rule>` for
 * CronJobs (at spec.jobTemplate.spec.template).
 */
export function generateControllerRules(
  policy: KubernetesObject,
  rules: KyvernoRule[],
): KyvernoRule[] {
  if (!canAutogen(rules)) return [];
  const controllers = controllersFor(policy);
  const podControllers = controllers
    .filter(c => c !== 'CronJob')
    .map(c => CONTROLLER_KINDS[c]);
  const eligible = rules.filter(
    r =>
      r.validate &&
      !r.name.startsWith('autogen-') &&
      selectsPods(r.match) &&
      (!descriptions(r.exclude).some(d => d.kinds?.length) ||
        selectsPods(r.exclude)),
  );
  const generated: KyvernoRule[] = [];
  if (podControllers.length) {
    generated.push(
      ...eligible.map(r =>
        generate(r, 'autogen-', podControllers, ['spec', 'template']),
      ),
    );
  }
  if (controllers.includes('CronJob')) {
    generated.push(
      ...eligible.map(r =>
        generate(
          r,
          'autogen-cronjob-',
          [CONTROLLER_KINDS.CronJob],
          ['spec', 'jobTemplate', 'spec', 'template'],
        ),
      ),
    );
  }
  return generated;
}
