// How a proposed rule is described and named: its scope in words, its skill's name.
import type { DriftType, ManagerClass } from '../drift/types';
import type { Match, Verdict } from './units';

const TYPE_WORDS: Record<DriftType, string> = {
  modified: 'changes',
  missing: 'missing from the cluster',
  extra: 'not in Git',
};

const WRITERS: Record<ManagerClass, string> = {
  controller: 'a controller',
  human: 'a person',
  gitops: 'GitOps',
};

/** What a rule matches in words, e.g. "In serving-stack on cluster prod, Service /x written by a controller (autoscaler)". */
export function describeScope(match: Match): string {
  const where = [
    match.namespaces ? `In ${match.namespaces.join(', ')}` : '',
    match.clusters ? `on cluster ${match.clusters.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const type = match.types?.[0];
  const what = match.paths
    ? match.paths.join(', ')
    : TYPE_WORDS[type ?? 'modified'];
  const writer = match.managerClasses
    ? ` written by ${WRITERS[match.managerClasses[0]]}`
    : '';
  const managers = match.managers ? ` (${match.managers.join(', ')})` : '';
  const head = where ? `${where[0].toUpperCase()}${where.slice(1)}, ` : '';
  return `${head}${match.kinds?.join(', ')} ${what}${writer}${managers}`;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/~[01]/g, '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** e.g. `learned-serving-stack-service-autoscaling-knative-dev`; unique among `taken`. */
export function skillName(
  match: Match,
  verdict: Verdict | 'unknown',
  taken: Set<string>,
) {
  const parts = ['learned'];
  if (match.namespaces?.length === 1) parts.push(match.namespaces[0]);
  else if (match.clusters?.length === 1) parts.push(match.clusters[0]);
  parts.push(match.kinds?.[0] ?? 'drift');
  if (match.paths?.length === 1) {
    const field = match.paths[0]
      .split('/')
      .map(s => s.replace(/\*$/, ''))
      .filter(s => s && !/^\d+$/.test(s) && s !== '-')
      .pop();
    parts.push(field ?? 'fields');
    if (verdict === 'unknown') parts.push('people-decide');
  } else if (!match.paths) {
    const writer = match.managerClasses?.[0];
    parts.push(writer ? `${writer}-${verdict}` : verdict);
  }
  const base = slug(parts.join('-')).slice(0, 64).replace(/-+$/, '');
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    name = `${base.slice(0, 64 - `-${n}`.length).replace(/-+$/, '')}-${n}`;
  }
  taken.add(name);
  return name;
}
