import { FINDING_USAGE } from './findingCommands';
import { TASK_USAGE } from './taskCommands';

// Usage text lives apart from the commands so that `--help` loads none of the engines.

export const SKILL_USAGE = `  hermes skills list   (--skills <dir> | --portal <url>) [--query <words>]
  hermes skills show   <name> (--skills <dir> | --portal <url>)
  hermes skills export <name> (--skills <dir> | --portal <url>) [--to <dir>] [--force]   writes <to>/<name>/
  hermes skills import <skill-folder> (--skills <dir> | --portal <url>) [--force]
    --skills <dir> works offline on a directory of skill folders (each with SKILL.md), e.g. skills/;
    --portal <url> (or HERMES_PORTAL_URL) uses the portal's skills library, token in HERMES_TOKEN`;

export const SECTIONS: Record<string, string> = {
  policy: `Policy checks (offline):
  hermes policy check <files|dirs...> --policies <dir|file> [--policies ...] [--fail-on enforce|any|never] [--max-bytes N]
  hermes policy test <dir>              runs every kyverno-test.yaml below <dir>`,
  drift: `Drift:
  hermes drift audit --desired <dir> --live <snapshot-dir> [--skills <dir>] [--audit-log <events.jsonl>] [--cluster name]
                     [--watch-kind Kind ...] [--namespace ns ...]            offline; exits 1 on a critical finding
${FINDING_USAGE}`,
  skills: `Skills:
${SKILL_USAGE}`,
  task: `Scheduled tasks (portal):
${TASK_USAGE}`,
};

export const FOOTER = `Portal: --portal <url> or HERMES_PORTAL_URL (the Backstage backend, e.g. http://localhost:7007);
  the token comes from HERMES_TOKEN (a static external-access token, or a user token) and is never printed.
Every command takes --output text|json; -h, --help shows this help.

Exit codes:
  0  ok
  1  findings or violations: policy failures (per --fail-on), kyverno-test mismatches, a critical drift
     finding (for drift findings: one without a resolution), a task run that failed or a delivery that is dead
  2  usage or input error: unknown command or option, missing file, malformed YAML or SKILL.md (the report is
     still printed), unreachable portal, missing or refused token, a request the portal refused`;

/** The help for one command group, or for all of them. */
export function usage(group?: string): string {
  const sections =
    group && SECTIONS[group] ? [SECTIONS[group]] : Object.values(SECTIONS);
  return [
    'Usage: hermes <command> [options]',
    '',
    sections.join('\n\n'),
    '',
    FOOTER,
  ].join('\n');
}
