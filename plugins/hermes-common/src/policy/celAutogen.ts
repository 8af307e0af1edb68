// Kyverno's autogen for CEL policies, as a text rewrite of the policy's spec.
import type { MatchResources } from './celMatch';

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

// The references autogen rewrites, built once from fixed names (no input reaches a pattern;
// each one matches in linear time): `object.spec`, `oldObject.metadata`, ... as whole words,
// but not `.metadata.namespace`, which stays the Pod controller's own.
const REFERENCES = ['spec', 'metadata'].flatMap(field =>
  ['object', 'oldObject'].map(root => ({
    pattern: new RegExp(
      `(?<![A-Za-z0-9_])${root}\\.${field}(?!\\.namespace(?![A-Za-z0-9_]))(?![A-Za-z0-9_])`,
      'g',
    ),
    root,
    field,
  })),
);

/** Kyverno's text replacement: `object.spec` → the template's spec, except `.namespace`. */
export function replaceForTemplate(text: string, template: string): string {
  let out = text;
  for (const { pattern, root, field } of REFERENCES)
    out = out.replace(pattern, `${root}.${template}.${field}`);
  return out;
}

export function autogenSpecs(
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
