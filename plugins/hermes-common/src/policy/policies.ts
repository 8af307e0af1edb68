import { generateControllerRules } from './autogen';
import { DocumentProblem, KubernetesObject, SourcedObject } from './documents';
import { offlineUnsupportedFields } from './match';
import { FailureAction, KyvernoRule } from './types';
import type { AdmissionInput } from './celValidation';
import type { Outcome } from './outcomes';
import {
  celPolicyType,
  compileAdmissionPolicy,
  compileValidatingPolicy,
  paramKindsOf,
} from './celPolicies';
import { compileCelRule } from './celRule';
import {
  CompiledException,
  compileException,
  isCelException,
} from './celExceptions';

/** A rule ready to evaluate, with the settings it inherits from its policy. */
export interface CompiledRule {
  name: string;
  definition: KyvernoRule;
  failureAction: FailureAction;
  /** Why Hermes cannot evaluate this rule offline; such rules are reported as skipped. */
  unsupported?: string;
  /** CEL policies: the whole evaluation (matching included) of this rule on one resource. */
  evaluate?: (input: AdmissionInput) => Outcome & { applies: boolean };
  /**
   * CEL policies: undefined when the rule may select objects of this apiVersion and kind, else
   * the message `evaluate` gives such an object (a skip that does not apply). The engine
   * asks once per apiVersion and kind and evaluates only the rules that may select them.
   */
  kindMiss?: (
    apiVersion: string,
    kind: string,
  ) => ((object: KubernetesObject) => string) | undefined;
  /** `validate.cel` of a ClusterPolicy rule, evaluated after match and preconditions. */
  celValidate?: (input: AdmissionInput) => Outcome;
}

export interface CompiledPolicy {
  name: string;
  kind:
    | 'ClusterPolicy'
    | 'Policy'
    | 'ValidatingPolicy'
    | 'NamespacedValidatingPolicy'
    | 'ValidatingAdmissionPolicy';
  /** For a namespaced `Policy`: the only namespace it applies to. */
  namespace?: string;
  source: string;
  /** `policies.kyverno.io/scored: "false"` turns failures into warnings. */
  scored: boolean;
  rules: CompiledRule[];
  /** Unknown fields and other things worth knowing; the policy is still evaluated. */
  warnings: string[];
}

const KNOWN_FIELDS: Record<string, string[]> = {
  spec: [
    'rules',
    'validationFailureAction',
    'validationFailureActionOverrides',
    'background',
    'admission',
    'failurePolicy',
    'webhookTimeoutSeconds',
    'mutateExistingOnPolicyUpdate',
    'generateExisting',
    'generateExistingOnPolicyUpdate',
    'useServerSideApply',
    'schemaValidation',
    'applyRules',
    'emitWarning',
    'webhookConfiguration',
    'evaluation',
  ],
  rule: [
    'name',
    'match',
    'exclude',
    'context',
    'preconditions',
    'validate',
    'mutate',
    'generate',
    'verifyImages',
    'imageExtractors',
    'celPreconditions',
    'skipBackgroundRequests',
    'reportProperties',
  ],
  validate: [
    'message',
    'failureAction',
    'failureActionOverrides',
    'allowExistingViolations',
    'pattern',
    'anyPattern',
    'deny',
    'foreach',
    'cel',
    'podSecurity',
    'manifests',
    'assert',
  ],
  block: ['any', 'all', 'resources', 'subjects', 'roles', 'clusterRoles'],
  filter: ['resources', 'subjects', 'roles', 'clusterRoles'],
  resources: [
    'kinds',
    'name',
    'names',
    'namespaces',
    'annotations',
    'selector',
    'namespaceSelector',
    'operations',
  ],
  foreach: [
    'list',
    'elementScope',
    'preconditions',
    'pattern',
    'anyPattern',
    'deny',
    'foreach',
    'context',
  ],
};

function unknownFields(
  value: unknown,
  known: string,
  path: string,
  out: string[],
) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS[known].includes(key))
      out.push(`${path}.${key}: unknown field (ignored)`);
  }
}

function checkBlock(block: any, path: string, out: string[]) {
  if (!block) return;
  unknownFields(block, 'block', path, out);
  unknownFields(block.resources, 'resources', `${path}.resources`, out);
  for (const mode of ['any', 'all']) {
    (block[mode] ?? []).forEach((filter: any, i: number) => {
      unknownFields(filter, 'filter', `${path}.${mode}[${i}]`, out);
      unknownFields(
        filter?.resources,
        'resources',
        `${path}.${mode}[${i}].resources`,
        out,
      );
    });
  }
}

function normaliseAction(value: unknown): FailureAction | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  if (lower === 'enforce') return 'Enforce';
  if (lower === 'audit') return 'Audit';
  return undefined;
}

function unsupportedReason(rule: KyvernoRule): string | undefined {
  if (rule.mutate)
    return 'unsupported: mutate rules are not evaluated by Hermes';
  if (rule.generate)
    return 'unsupported: generate rules are not evaluated by Hermes';
  if (rule.verifyImages)
    return 'unsupported: verifyImages rules need registry access';
  const v = rule.validate;
  if (!v) return 'unsupported: the rule has no validate block';
  if (v.podSecurity)
    return 'unsupported: podSecurity validation is not evaluated by Hermes';
  if (v.manifests)
    return 'unsupported: manifest signature verification needs keys and signatures';
  if (v.assert)
    return 'unsupported: assertion trees are not evaluated by Hermes';
  const external = (rule.context ?? []).find(c => !c.variable);
  if (external) {
    return `unsupported: context entry "${external.name}" reads from the cluster or a registry`;
  }
  if (!v.pattern && !v.anyPattern && !v.deny && !v.foreach && !v.cel) {
    return 'unsupported: validate has none of pattern, anyPattern, deny, foreach or cel';
  }
  return undefined;
}

export interface CompileOptions {
  /** Parameter resources of ValidatingAdmissionPolicies and `validate.cel` rules. */
  paramResources?: SourcedObject[];
}

/**
 * Turns Kyverno policy documents into evaluable policies, adding Kyverno's auto-generated
 * controller rules. Documents that are not policies, or policies without rules, are
 * reported as problems; unknown fields become warnings and the policy is still used.
 */
export function compilePolicies(
  objects: SourcedObject[],
  options: CompileOptions = {},
): {
  policies: CompiledPolicy[];
  problems: DocumentProblem[];
} {
  const policies: CompiledPolicy[] = [];
  const problems: DocumentProblem[] = [];
  // Parameter resources of admission policies may come with the policies or separately.
  const paramKinds = paramKindsOf(objects);
  const isParam = (o: KubernetesObject) =>
    paramKinds.some(
      k =>
        k.kind === o.kind && (!k.apiVersion || k.apiVersion === o.apiVersion),
    );
  const params = [
    ...(options.paramResources ?? []).map(p => p.object),
    ...objects.filter(o => isParam(o.object)).map(o => o.object),
  ];
  const bindings = objects
    .filter(o => celPolicyType(o.object) === 'binding')
    .map(o => o.object);
  const exceptions: CompiledException[] = [];
  for (const { object, source, line } of objects) {
    if (!isCelException(object)) continue;
    const compiled = compileException(object, source);
    if ('refs' in compiled) exceptions.push(compiled);
    else problems.push({ ...compiled, line });
  }
  for (const { object, source, line } of objects) {
    const where = `${object.kind} "${object.metadata.name}"`;
    const celType = celPolicyType(object);
    if (
      celType === 'binding' ||
      isCelException(object) ||
      (!celType && isParam(object))
    )
      continue;
    if (celType) {
      const compiled =
        celType === 'vpol'
          ? compileValidatingPolicy(object, source, exceptions)
          : compileAdmissionPolicy(object, source, bindings, params);
      if ('rules' in compiled) policies.push(compiled);
      else problems.push({ ...compiled, line });
      continue;
    }
    if (
      object.kind === 'PolicyException' &&
      object.apiVersion.startsWith('kyverno.io/')
    ) {
      problems.push({
        source,
        line,
        message: `${where}: kyverno.io PolicyExceptions (for ClusterPolicy rules) are not supported by Hermes; ignored`,
      });
      continue;
    }
    if (
      !object.apiVersion.startsWith('kyverno.io/') ||
      !['ClusterPolicy', 'Policy'].includes(object.kind)
    ) {
      problems.push({
        source,
        line,
        message: `${where} is not a Kyverno ClusterPolicy, Policy, ValidatingPolicy or a ValidatingAdmissionPolicy; ignored`,
      });
      continue;
    }
    const spec = object.spec as Record<string, any> | undefined;
    if (!spec || !Array.isArray(spec.rules) || spec.rules.length === 0) {
      problems.push({
        source,
        line,
        message: `${where} has no spec.rules; ignored`,
      });
      continue;
    }
    const badRule = spec.rules.findIndex(
      (r: any) => typeof r?.name !== 'string' || !r.name,
    );
    if (badRule >= 0) {
      problems.push({
        source,
        line,
        message: `${where}: spec.rules[${badRule}] has no name; policy ignored`,
      });
      continue;
    }
    const warnings: string[] = [];
    unknownFields(spec, 'spec', 'spec', warnings);
    const rules = spec.rules as KyvernoRule[];
    rules.forEach((rule, i) => {
      const path = `spec.rules[${i}]`;
      unknownFields(rule, 'rule', path, warnings);
      unknownFields(rule.validate, 'validate', `${path}.validate`, warnings);
      checkBlock(rule.match, `${path}.match`, warnings);
      checkBlock(rule.exclude, `${path}.exclude`, warnings);
      (rule.validate?.foreach ?? []).forEach((fe, j) =>
        unknownFields(
          fe,
          'foreach',
          `${path}.validate.foreach[${j}]`,
          warnings,
        ),
      );
      for (const field of offlineUnsupportedFields(rule.match)) {
        warnings.push(
          field === 'namespaceSelector'
            ? `${path}.match uses namespaceSelector: namespace labels come from Namespace objects or test values; without them it is treated as matching`
            : `${path}.match uses ${field}, which an offline check cannot see; treated as matching`,
        );
      }
      for (const field of offlineUnsupportedFields(rule.exclude)) {
        warnings.push(
          field === 'namespaceSelector'
            ? `${path}.exclude uses namespaceSelector: namespace labels come from Namespace objects or test values; without them the namespace has no labels`
            : `${path}.exclude uses ${field}, which an offline check cannot see; treated as matching`,
        );
      }
    });
    const policyAction = normaliseAction(spec.validationFailureAction);
    if (spec.validationFailureAction !== undefined && !policyAction) {
      warnings.push(
        `spec.validationFailureAction "${spec.validationFailureAction}" is not Enforce or Audit; using Audit`,
      );
    }
    const compile = (rule: KyvernoRule): CompiledRule => {
      const cel = rule.validate?.cel
        ? compileCelRule(rule.validate.cel, params)
        : undefined;
      return {
        name: rule.name,
        definition: rule,
        failureAction:
          normaliseAction(rule.validate?.failureAction) ??
          policyAction ??
          'Audit',
        unsupported: unsupportedReason(rule) ?? cel?.unsupported,
        celValidate: cel?.evaluate,
      };
    };
    policies.push({
      name: object.metadata.name!,
      kind: object.kind as CompiledPolicy['kind'],
      namespace:
        object.kind === 'Policy'
          ? object.metadata.namespace ?? 'default'
          : undefined,
      source,
      scored:
        object.metadata.annotations?.['policies.kyverno.io/scored'] !== 'false',
      rules: [
        ...rules,
        ...generateControllerRules(object as KubernetesObject, rules),
      ].map(compile),
      warnings,
    });
  }
  return { policies, problems };
}
