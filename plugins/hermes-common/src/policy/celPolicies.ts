// Kyverno ValidatingPolicy / NamespacedValidatingPolicy and Kubernetes
// ValidatingAdmissionPolicy (with its bindings and parameter resources), compiled into the
// same CompiledPolicy shape the engine reports for ClusterPolicies.
import { matchResources, matchWarnings, MatchResources } from './celMatch';
import {
  AdmissionInput,
  admissionBindings,
  compileValidationSet,
  evaluateValidationSet,
} from './celValidation';
import { DocumentProblem, KubernetesObject, SourcedObject } from './documents';
import { LabelSelector, selectorMatches } from './match';
import { Outcome } from './outcomes';
import type { CompiledPolicy, CompiledRule } from './policies';
import { FailureAction, KyvernoRule } from './types';

export const VPOL_GROUP = 'policies.kyverno.io/';
export const VPOL_KINDS = ['ValidatingPolicy', 'NamespacedValidatingPolicy'];
export const VAP_API = 'admissionregistration.k8s.io/';

export type RuleOutcome = Outcome & { applies: boolean };

/** Deny → Enforce, else Warn → Warn, else Audit (as validationFailureAction maps for ClusterPolicy). */
export function actionOf(actions: unknown): FailureAction {
  const list = Array.isArray(actions) ? actions.map(a => String(a)) : [];
  if (list.includes('Deny')) return 'Enforce';
  if (list.includes('Warn')) return 'Warn';
  return 'Audit';
}

const notApplied = (message: string): RuleOutcome => ({
  result: 'skip',
  message,
  applies: false,
});

function celRule(
  name: string,
  failureAction: FailureAction,
  evaluate: (input: AdmissionInput) => RuleOutcome,
  unsupported?: string,
): CompiledRule {
  return {
    name,
    definition: { name } as KyvernoRule,
    failureAction,
    unsupported,
    evaluate,
  };
}

// Kyverno's autogen for ValidatingPolicy: a policy on Pods only (one rule, core v1 pods, no
// selector or exclusions) also covers the pod template of Pod controllers.
const CONTROLLERS: Record<
  string,
  { group: string; resource: string; cronjob: boolean }
> = {
  daemonsets: { group: 'apps', resource: 'daemonsets', cronjob: false },
  deployments: { group: 'apps', resource: 'deployments', cronjob: false },
  replicasets: { group: 'apps', resource: 'replicasets', cronjob: false },
  statefulsets: { group: 'apps', resource: 'statefulsets', cronjob: false },
  jobs: { group: 'batch', resource: 'jobs', cronjob: false },
  cronjobs: { group: 'batch', resource: 'cronjobs', cronjob: true },
};

function canAutogen(match: MatchResources | undefined): boolean {
  if (!match) return false;
  const selector = match.objectSelector;
  if (
    selector &&
    (Object.keys(selector.matchLabels ?? {}).length ||
      selector.matchExpressions?.length)
  )
    return false;
  if (match.excludeResourceRules?.length) return false;
  if (match.resourceRules?.length !== 1) return false;
  const rule = match.resourceRules[0];
  return (
    !rule.resourceNames?.length &&
    rule.apiGroups?.length === 1 &&
    rule.apiGroups[0] === '' &&
    rule.apiVersions?.length === 1 &&
    rule.apiVersions[0] === 'v1' &&
    rule.resources?.length === 1 &&
    rule.resources[0] === 'pods'
  );
}

/** Kyverno's text replacement: `object.spec` → the template's spec, except `.namespace`. */
export function replaceForTemplate(text: string, template: string): string {
  let out = text;
  for (const field of ['spec', 'metadata']) {
    for (const root of ['object', 'oldObject']) {
      out = out.replace(
        new RegExp(
          `(?<![A-Za-z0-9_])${root}\\.${field}(?!\\.namespace(?![A-Za-z0-9_]))(?![A-Za-z0-9_])`,
          'g',
        ),
        `${root}.${template}.${field}`,
      );
    }
  }
  return out;
}

function autogenSpecs(
  spec: Record<string, any>,
): Array<{ prefix: string; spec: Record<string, any> }> {
  if (!canAutogen(spec.matchConstraints)) return [];
  const configured = spec.autogen?.podControllers?.controllers;
  const names: string[] = Array.isArray(configured)
    ? configured
    : Object.keys(CONTROLLERS);
  const operations = spec.matchConstraints.resourceRules[0].operations;
  const out: Array<{ prefix: string; spec: Record<string, any> }> = [];
  for (const cronjob of [false, true]) {
    const targets = names
      .filter(n => CONTROLLERS[n]?.cronjob === cronjob)
      .map(n => CONTROLLERS[n]);
    if (targets.length === 0 || !operations?.length) continue;
    const groups = [...new Set(targets.map(t => t.group))].sort();
    const text = replaceForTemplate(
      JSON.stringify({ ...spec, matchConstraints: undefined }),
      cronjob ? 'spec.jobTemplate.spec.template' : 'spec.template',
    );
    out.push({
      prefix: cronjob ? 'autogen-cronjob-' : 'autogen-',
      spec: {
        ...JSON.parse(text),
        matchConstraints: {
          resourceRules: groups.map(group => ({
            apiGroups: [group],
            apiVersions: ['v1'],
            operations,
            resources: targets
              .filter(t => t.group === group)
              .map(t => t.resource)
              .sort(),
          })),
          namespaceSelector: spec.matchConstraints.namespaceSelector,
        },
      },
    });
  }
  return out;
}

function vpolRule(
  name: string,
  spec: Record<string, any>,
  path: string,
  namespace: string | undefined,
  warnings: string[],
): CompiledRule {
  const action = actionOf(spec.validationActions ?? ['Deny']);
  const compiled = compileValidationSet(
    spec,
    path,
    index => `CEL expression validation failed at index ${index}`,
  );
  const mode = spec.evaluation?.mode;
  const unsupported =
    mode && mode !== 'Kubernetes'
      ? `unsupported: evaluation mode ${mode} validates JSON payloads, not Kubernetes resources`
      : compiled.unsupported;
  warnings.push(
    ...matchWarnings(spec.matchConstraints, `${path}.matchConstraints`),
  );
  return celRule(
    name,
    action,
    input => {
      if (
        namespace !== undefined &&
        input.object.metadata.namespace !== namespace
      )
        return notApplied(`the policy applies only to namespace ${namespace}`);
      if (
        !matchResources(
          spec.matchConstraints,
          input.object,
          input.operation,
          input.namespaceLabels,
        )
      )
        return notApplied('matchConstraints do not select the resource');
      if (unsupported)
        return { result: 'skip', message: unsupported, applies: true };
      if (!compiled.set)
        return { result: 'error', message: compiled.error!, applies: true };
      return {
        ...evaluateValidationSet(
          compiled.set,
          admissionBindings(input),
          'success',
        ),
        applies: true,
      };
    },
    unsupported,
  );
}

/** A Kyverno ValidatingPolicy or NamespacedValidatingPolicy, with its autogen rules. */
export function compileValidatingPolicy(
  object: KubernetesObject,
  source: string,
): CompiledPolicy | DocumentProblem {
  const name = object.metadata.name!;
  const spec = object.spec as Record<string, any> | undefined;
  if (
    !spec ||
    !Array.isArray(spec.validations) ||
    spec.validations.length === 0
  )
    return {
      source,
      message: `${object.kind} "${name}" has no spec.validations; ignored`,
    };
  const warnings: string[] = [];
  if (spec.validationActions === undefined)
    warnings.push('spec.validationActions is not set; treated as [Deny]');
  const namespace =
    object.kind === 'NamespacedValidatingPolicy'
      ? object.metadata.namespace ?? 'default'
      : undefined;
  const rules = [
    vpolRule(name, spec, 'spec', namespace, warnings),
    ...autogenSpecs(spec).map(g =>
      vpolRule(`${g.prefix}${name}`, g.spec, 'spec', namespace, []),
    ),
  ];
  return {
    name,
    kind: object.kind as CompiledPolicy['kind'],
    namespace,
    source,
    scored: true,
    rules,
    warnings,
  };
}

interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction?: string;
}

function findParams(
  kind: { apiVersion?: string; kind?: string },
  ref: ParamRef,
  params: KubernetesObject[],
  objectNamespace?: string,
) {
  return params.filter(
    p =>
      p.kind === kind.kind &&
      (!kind.apiVersion || p.apiVersion === kind.apiVersion) &&
      (!ref.name || p.metadata.name === ref.name) &&
      (!ref.namespace || p.metadata.namespace === ref.namespace) &&
      (ref.namespace ||
        !p.metadata.namespace ||
        !objectNamespace ||
        p.metadata.namespace === objectNamespace) &&
      (!ref.selector || selectorMatches(ref.selector, p.metadata.labels ?? {})),
  );
}

/**
 * A Kubernetes ValidatingAdmissionPolicy with the bindings among `bindings` that name it; one
 * rule per binding (named after the binding), or one rule for the policy itself when unbound
 * (as the Kyverno CLI evaluates it; a cluster would not enforce it).
 */
export function compileAdmissionPolicy(
  object: KubernetesObject,
  source: string,
  bindings: KubernetesObject[],
  params: KubernetesObject[],
): CompiledPolicy | DocumentProblem {
  const name = object.metadata.name!;
  const spec = object.spec as Record<string, any> | undefined;
  if (
    !spec ||
    !Array.isArray(spec.validations) ||
    spec.validations.length === 0
  )
    return {
      source,
      message: `ValidatingAdmissionPolicy "${name}" has no spec.validations; ignored`,
    };
  const warnings = matchWarnings(
    spec.matchConstraints,
    'spec.matchConstraints',
  );
  const compiled = compileValidationSet(
    spec,
    'spec',
    (_, expression) => `failed expression: ${expression}`,
  );
  const evaluate = (
    input: AdmissionInput,
    binding?: Record<string, any>,
  ): RuleOutcome => {
    if (
      !matchResources(
        spec.matchConstraints,
        input.object,
        input.operation,
        input.namespaceLabels,
      )
    )
      return notApplied('matchConstraints do not select the resource');
    if (
      binding?.matchResources &&
      !matchResources(
        {
          resourceRules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              resources: ['*'],
              operations: ['*'],
            },
          ],
          ...binding.matchResources,
        },
        input.object,
        input.operation,
        input.namespaceLabels,
      )
    )
      return notApplied(
        "the binding's matchResources do not select the resource",
      );
    if (compiled.unsupported)
      return { result: 'skip', message: compiled.unsupported, applies: true };
    if (!compiled.set)
      return { result: 'error', message: compiled.error!, applies: true };
    const run = (p: unknown) =>
      evaluateValidationSet(
        compiled.set!,
        admissionBindings({ ...input, params: p }),
        '',
      );
    if (!spec.paramKind || !binding?.paramRef)
      return { ...run(null), applies: true };
    const found = findParams(
      spec.paramKind,
      binding.paramRef,
      params,
      input.object.metadata.namespace,
    );
    if (found.length === 0) {
      const allow = binding.paramRef.parameterNotFoundAction === 'Allow';
      return allow
        ? {
            result: 'skip',
            message:
              'no parameter resource found; parameterNotFoundAction is Allow',
            applies: true,
          }
        : {
            result: 'fail',
            message: `no params found for policy binding ${
              binding.name ?? ''
            } with Deny parameterNotFoundAction`,
            applies: true,
          };
    }
    for (const p of found) {
      const outcome = run(p);
      if (outcome.result !== 'pass') return { ...outcome, applies: true };
    }
    return { result: 'pass', message: '', applies: true };
  };
  const mine = bindings.filter(b => (b.spec as any)?.policyName === name);
  if (mine.length === 0)
    warnings.push(
      'no ValidatingAdmissionPolicyBinding names this policy: a cluster would not enforce it; evaluated as Audit',
    );
  if (spec.paramKind && mine.some(b => !(b.spec as any)?.paramRef))
    warnings.push(
      'spec.paramKind is set but a binding has no paramRef; params is null',
    );
  const rules = mine.length
    ? mine.map(b => {
        const bspec: Record<string, any> = {
          ...(b.spec as Record<string, any>),
          name: b.metadata.name,
        };
        warnings.push(
          ...matchWarnings(
            bspec.matchResources,
            `binding ${b.metadata.name}.matchResources`,
          ),
        );
        return celRule(
          b.metadata.name!,
          actionOf(bspec.validationActions),
          input => evaluate(input, bspec),
          compiled.unsupported,
        );
      })
    : [celRule(name, 'Audit', input => evaluate(input), compiled.unsupported)];
  return {
    name,
    kind: 'ValidatingAdmissionPolicy',
    source,
    scored: true,
    rules,
    warnings,
  };
}

/** Which CEL policy type a document is, if any. */
export function celPolicyType(
  object: KubernetesObject,
): 'vpol' | 'vap' | 'binding' | undefined {
  if (
    object.apiVersion.startsWith(VPOL_GROUP) &&
    VPOL_KINDS.includes(object.kind)
  )
    return 'vpol';
  if (object.apiVersion.startsWith(VAP_API)) {
    if (object.kind === 'ValidatingAdmissionPolicy') return 'vap';
    if (object.kind === 'ValidatingAdmissionPolicyBinding') return 'binding';
  }
  return undefined;
}

export function paramKindsOf(
  objects: SourcedObject[],
): Array<{ apiVersion?: string; kind?: string }> {
  return objects
    .filter(o => celPolicyType(o.object) === 'vap')
    .map(o => (o.object.spec as any)?.paramKind)
    .filter(Boolean);
}
