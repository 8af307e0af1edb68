// Kyverno ValidatingPolicy / NamespacedValidatingPolicy and Kubernetes
// ValidatingAdmissionPolicy (with its bindings and parameter resources), compiled into the
// same CompiledPolicy shape the engine reports for ClusterPolicies.
import { autogenSpecs } from './celAutogen';
import {
  kindMayMatch,
  MatchResources,
  matchResources,
  matchWarnings,
} from './celMatch';
import {
  AdmissionInput,
  admissionBindings,
  compileValidationSet,
  evaluateValidationSet,
} from './celValidation';
import { DocumentProblem, KubernetesObject, SourcedObject } from './documents';
import { LabelSelector, selectorMatches } from './match';
import { CompiledException, exceptionsFor } from './celExceptions';
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

/** Validations or audit annotations: a policy with neither checks nothing. */
function hasChecks(
  spec: Record<string, any> | undefined,
): spec is Record<string, any> {
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    !!spec && (nonEmpty(spec.validations) || nonEmpty(spec.auditAnnotations))
  );
}

const NOT_SELECTED = 'matchConstraints do not select the resource';
const BINDING_NOT_SELECTED =
  "the binding's matchResources do not select the resource";

function celRule(
  name: string,
  failureAction: FailureAction,
  evaluate: (input: AdmissionInput) => RuleOutcome,
  unsupported: string | undefined,
  kindMiss: CompiledRule['kindMiss'],
): CompiledRule {
  return {
    name,
    definition: { name } as KyvernoRule,
    failureAction,
    unsupported,
    evaluate,
    kindMiss,
  };
}

function vpolRule(
  name: string,
  policyName: string,
  spec: Record<string, any>,
  path: string,
  namespace: string | undefined,
  warnings: string[],
  exceptions: CompiledException[],
): CompiledRule {
  const action = actionOf(spec.validationActions ?? ['Deny']);
  const compiled = compileValidationSet(
    spec,
    path,
    index => `CEL expression validation failed at index ${index}`,
    policyName,
  );
  if (compiled.set) compiled.set.exceptions = exceptions;
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
        return notApplied(NOT_SELECTED);
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
    (apiVersion, kind) =>
      kindMayMatch(spec.matchConstraints, apiVersion, kind)
        ? undefined
        : object =>
            namespace !== undefined && object.metadata.namespace !== namespace
              ? `the policy applies only to namespace ${namespace}`
              : NOT_SELECTED,
  );
}

/** A Kyverno ValidatingPolicy or NamespacedValidatingPolicy, with its autogen rules. */
export function compileValidatingPolicy(
  object: KubernetesObject,
  source: string,
  allExceptions: CompiledException[] = [],
): CompiledPolicy | DocumentProblem {
  const name = object.metadata.name!;
  const spec = object.spec as Record<string, any> | undefined;
  if (!hasChecks(spec))
    return {
      source,
      message: `${object.kind} "${name}" has no spec.validations or spec.auditAnnotations; ignored`,
    };
  const warnings: string[] = [];
  if (spec.validationActions === undefined)
    warnings.push('spec.validationActions is not set; treated as [Deny]');
  const namespace =
    object.kind === 'NamespacedValidatingPolicy'
      ? object.metadata.namespace ?? 'default'
      : undefined;
  const exceptions = exceptionsFor(allExceptions, name, object.kind);
  const rules = [
    vpolRule(name, name, spec, 'spec', namespace, warnings, exceptions),
    ...autogenSpecs(spec).map(g =>
      vpolRule(
        `${g.prefix}${name}`,
        name,
        g.spec,
        'spec',
        namespace,
        [],
        exceptions,
      ),
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

// One list for every binding: what celMatch learns about a list it keeps for the next call.
const ALL_RESOURCES = [
  { apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] },
];

/** A binding's matchResources; without resource rules of its own, it takes every resource. */
function bindingMatch(binding: Record<string, any>): MatchResources {
  return { resourceRules: ALL_RESOURCES, ...binding.matchResources };
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
  if (!hasChecks(spec))
    return {
      source,
      message: `ValidatingAdmissionPolicy "${name}" has no spec.validations or spec.auditAnnotations; ignored`,
    };
  const warnings = matchWarnings(
    spec.matchConstraints,
    'spec.matchConstraints',
  );
  const compiled = compileValidationSet(
    spec,
    'spec',
    (_, expression) => `failed expression: ${expression}`,
    name,
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
      return notApplied(NOT_SELECTED);
    if (
      binding?.matchResources &&
      !matchResources(
        bindingMatch(binding),
        input.object,
        input.operation,
        input.namespaceLabels,
      )
    )
      return notApplied(BINDING_NOT_SELECTED);
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
          (apiVersion, kind) => {
            if (!kindMayMatch(spec.matchConstraints, apiVersion, kind))
              return () => NOT_SELECTED;
            if (
              bspec.matchResources &&
              !kindMayMatch(bindingMatch(bspec), apiVersion, kind)
            )
              return () => BINDING_NOT_SELECTED;
            return undefined;
          },
        );
      })
    : [
        celRule(
          name,
          'Audit',
          input => evaluate(input),
          compiled.unsupported,
          (apiVersion, kind) =>
            kindMayMatch(spec.matchConstraints, apiVersion, kind)
              ? undefined
              : () => NOT_SELECTED,
        ),
      ];
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
