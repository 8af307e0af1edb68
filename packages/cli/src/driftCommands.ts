import {
  auditDrift,
  correlateAuditEvents,
  decodeUtf8,
  parseAuditEvents,
  DocumentProblem,
  FileTree,
  formatDriftReport,
  KubernetesObject,
  loadDesiredState,
  parseKubernetesYaml,
  parseSkillDocument,
  SkillDocument,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { collectFiles, isYaml } from './files';

/** A FileTree over a local directory, handing bytes to the audit, which decodes them. */
export function localTree(root: string): FileTree {
  return {
    async read(relative) {
      return fs.readFile(path.join(root, relative)).catch(() => undefined);
    },
    async list(relative) {
      const entries = await fs
        .readdir(path.join(root, relative), { withFileTypes: true })
        .catch(() => undefined);
      return entries?.map(e => ({ name: e.name, directory: e.isDirectory() }));
    },
  };
}

async function readSkills(
  dir: string,
): Promise<{ skills: SkillDocument[]; problems: string[] }> {
  const skills: SkillDocument[] = [];
  const problems: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = path.join(dir, entry.name, 'SKILL.md');
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      skills.push(parseSkillDocument(text, file));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { skills, problems };
}

function where(p: DocumentProblem): string {
  return `${p.source}${p.line ? `:${p.line}` : ''}`;
}

/** `hermes drift audit`: desired state from a directory, live state from a snapshot. */
export async function driftAudit(options: {
  desired: string;
  live: string;
  skills?: string;
  auditLog?: string;
  cluster: string;
  watchedKinds: string[];
  namespaces?: string[];
  output: 'text' | 'json';
  print: (text: string) => void;
}): Promise<number> {
  const { print } = options;
  // The tree is the whole file system, so kustomizations may refer to sibling folders.
  const desired = await loadDesiredState(
    localTree('/'),
    path.resolve(options.desired).slice(1),
  );
  const problems = [...desired.problems];
  const decoding: string[] = [];
  const readText = async (file: string) => {
    const { text, warning } = decodeUtf8(await fs.readFile(file), file);
    if (warning) decoding.push(warning);
    return text;
  };
  const live: KubernetesObject[] = [];
  for (const file of await collectFiles([options.live], isYaml)) {
    const parsed = parseKubernetesYaml(await readText(file), file);
    live.push(...parsed.objects.map(o => o.object));
    problems.push(...parsed.problems);
  }
  const skillProblems: string[] = [];
  let triageRules: ReturnType<typeof triageRulesFromSkills>['rules'] = [];
  if (options.skills) {
    const { skills, problems: unreadable } = await readSkills(options.skills);
    const triage = triageRulesFromSkills(skills);
    triageRules = triage.rules;
    skillProblems.push(
      ...unreadable,
      ...triage.problems.map(p => `skill ${p.skill}: ${p.message}`),
    );
  }
  let findings = auditDrift({
    cluster: options.cluster,
    desired: desired.objects.map(o => o.object),
    live,
    watchedKinds: options.watchedKinds,
    namespaces: options.namespaces,
    triageRules,
    reportExtra: desired.problems.length === 0,
  });
  if (options.auditLog) {
    const { events, skipped } = parseAuditEvents(
      await readText(options.auditLog),
    );
    findings = correlateAuditEvents(findings, events);
    if (skipped)
      skillProblems.push(
        `${options.auditLog}: skipped ${skipped} entries that are not audit events`,
      );
  }
  const warnings = [
    ...desired.warnings,
    ...(desired.problems.length
      ? [
          'objects in the cluster but not in Git are not reported: the desired state is incomplete',
        ]
      : []),
    ...problems.map(p => `${where(p)}: ${p.message}`),
    ...decoding,
    ...skillProblems,
  ];
  if (options.output === 'json') {
    print(
      JSON.stringify({ cluster: options.cluster, findings, warnings }, null, 2),
    );
  } else {
    print(
      formatDriftReport({
        cluster: options.cluster,
        findings,
        namespaces: options.namespaces,
        warnings,
      }),
    );
  }
  return findings.some(f => f.classification === 'critical') ? 1 : 0;
}
