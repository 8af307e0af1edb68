import type { PolicyCheckResult } from '@hermes-backstage/plugin-hermes-common';

/** JSON.stringify of the few strings every result repeats (names, actions, sources). */
function quoter(): (value: unknown) => string {
  const known = new Map<string, string>();
  return value => {
    if (typeof value !== 'string') return JSON.stringify(value);
    let quoted = known.get(value);
    if (quoted === undefined) {
      quoted = JSON.stringify(value);
      if (known.size < 10_000) known.set(value, quoted);
    }
    return quoted;
  };
}

/**
 * A result as `JSON.stringify(result, null, 2)` lays it out inside the report's `results`
 * array, written directly: this runs for every applicable rule on every resource. The
 * resource's part is shared by all its results, so it is written once per resource.
 */
export function resultWriter(): (r: PolicyCheckResult) => string {
  const name = quoter();
  const q = JSON.stringify;
  let lastResource: PolicyCheckResult['resource'] | undefined;
  let lastResourceJson = '';
  const resourceJson = (resource: PolicyCheckResult['resource']) => {
    if (resource !== lastResource) {
      const { kind, namespace } = resource;
      lastResource = resource;
      lastResourceJson = `      "resource": {\n        "kind": ${q(kind)}${
        namespace === undefined ? '' : `,\n        "namespace": ${q(namespace)}`
      },\n        "name": ${q(resource.name)}\n      }`;
    }
    return lastResourceJson;
  };
  return r => {
    let text = `    {\n      "policy": ${name(r.policy)},\n      "rule": ${name(
      r.rule,
    )},\n${resourceJson(r.resource)}`;
    if (r.result !== undefined) text += `,\n      "result": ${name(r.result)}`;
    if (r.message !== undefined) text += `,\n      "message": ${q(r.message)}`;
    if (r.path !== undefined) text += `,\n      "path": ${q(r.path)}`;
    if (r.failureAction !== undefined)
      text += `,\n      "failureAction": ${name(r.failureAction)}`;
    if (r.source !== undefined) text += `,\n      "source": ${name(r.source)}`;
    if (r.line !== undefined) text += `,\n      "line": ${q(r.line)}`;
    // What a CEL policy's auditAnnotations recorded (reported, never enforced).
    if (r.auditAnnotations !== undefined)
      text += `,\n      "auditAnnotations": ${JSON.stringify(
        r.auditAnnotations,
        null,
        2,
      ).replace(/\n/g, '\n      ')}`;
    return `${text}\n    }`;
  };
}
