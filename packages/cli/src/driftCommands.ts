import type {
  DocumentProblem,
  FileTree,
  KubernetesObject,
  TriageRule,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { collectFiles, isYaml } from './files';
import { readSkillsDirectory } from './skillFiles';
import { common } from './common';

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
  const desired = await common().loadDesiredState(
    localTree('/'),
    path.resolve(options.desired).slice(1),
  );
  const problems = [...desired.problems];
  const decoding: string[] = [];
  const readText = async (file: string) => {
    const { text, warning } = common().decodeUtf8(
      await fs.readFile(file),
      file,
    );
    if (warning) decoding.push(warning);
    return text;
  };
  const live: KubernetesObject[] = [];
  for (const file of await collectFiles([options.live], isYaml)) {
    const parsed = common().parseKubernetesYaml(await readText(file), file);
    live.push(...parsed.objects.map(o => o.object));
    problems.push(...parsed.problems);
  }
  const skillProblems: string[] = [];
  let unreadableSkills = 0;
  let triageRules: TriageRule[] = [];
  if (options.skills) {
    const { skills, problems: unreadable } = await readSkillsDirectory(
      options.skills,
      { references: false },
    );
    const triage = common().triageRulesFromSkills(skills.map(s => s.document));
    triageRules = triage.rules;
    unreadableSkills = unreadable.length + triage.problems.length;
    skillProblems.push(
      ...unreadable,
      ...triage.problems.map(p => `skill ${p.skill}: ${p.message}`),
    );
  }
  let findings = common().auditDrift({
    cluster: options.cluster,
    desired: desired.objects.map(o => o.object),
    live,
    watchedKinds: options.watchedKinds,
    namespaces: options.namespaces,
    triageRules,
    reportExtra: desired.problems.length === 0,
  });
  if (options.auditLog) {
    const { events, skipped } = common().parseAuditEvents(
      await readText(options.auditLog),
    );
    findings = common().correlateAuditEvents(findings, events);
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
      common().formatDriftReport({
        cluster: options.cluster,
        findings,
        namespaces: options.namespaces,
        warnings,
      }),
    );
  }
  // Unreadable manifests or skills leave the audit incomplete: an input error, exit 2.
  if (problems.length > 0 || unreadableSkills > 0) return 2;
  return findings.some(f => f.classification === 'critical') ? 1 : 0;
}
