// `validate.cel` of a ClusterPolicy or Policy rule: Kubernetes admission-policy expressions
// (with optional variables and a parameter resource) inside a Kyverno rule.
import {
  admissionBindings,
  AdmissionInput,
  compileValidationSet,
  evaluateValidationSet,
} from './celValidation';
import { KubernetesObject } from './documents';
import { Outcome } from './outcomes';

export function compileCelRule(
  cel: unknown,
  params: KubernetesObject[],
): { unsupported?: string; evaluate: (input: AdmissionInput) => Outcome } {
  const spec = (cel ?? {}) as Record<string, any>;
  const compiled = compileValidationSet(
    { validations: spec.expressions, variables: spec.variables },
    'validate.cel',
    (_, expression) => `failed expression: ${expression}`,
  );
  const paramKind = spec.paramKind as
    | { apiVersion?: string; kind?: string }
    | undefined;
  const paramRef = spec.paramRef as
    | { name?: string; namespace?: string }
    | undefined;
  const evaluate = (input: AdmissionInput): Outcome => {
    if (!compiled.set) return { result: 'error', message: compiled.error! };
    let param: KubernetesObject | null = null;
    if (paramKind && paramRef) {
      param =
        params.find(
          p =>
            p.kind === paramKind.kind &&
            (!paramKind.apiVersion || p.apiVersion === paramKind.apiVersion) &&
            p.metadata.name === paramRef.name &&
            (!paramRef.namespace ||
              p.metadata.namespace === paramRef.namespace),
        ) ?? null;
      if (!param)
        return {
          result: 'error',
          message: `validate.cel.paramRef: no ${paramKind.kind} "${
            paramRef.namespace ? `${paramRef.namespace}/` : ''
          }${paramRef.name}" among the parameter resources`,
        };
    }
    return evaluateValidationSet(
      compiled.set,
      admissionBindings({ ...input, params: param }),
      'success',
    );
  };
  return { unsupported: compiled.unsupported, evaluate };
}
