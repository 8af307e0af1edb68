import type { FailOn } from '@hermes-backstage/plugin-hermes-common';
import path from 'node:path';
import { parseArgs, ParseArgsOptionsConfig } from 'node:util';
import { driftAudit } from './driftCommands';
import { findingCommand } from './findingCommands';
import { policyCheck, policyTest } from './policyCommands';
import { CliError } from './portal';
import { skillsCommand } from './skillCommands';
import { TASK_OPTIONS, taskCommand } from './taskCommands';
import { SECTIONS, usage } from './usage';

const OPTIONS = {
  policies: { type: 'string', multiple: true, default: [] },
  output: { type: 'string', default: 'text' },
  'fail-on': { type: 'string', default: 'enforce' },
  'max-bytes': { type: 'string' },
  desired: { type: 'string' },
  live: { type: 'string' },
  skills: { type: 'string' },
  'audit-log': { type: 'string' },
  cluster: { type: 'string', default: 'snapshot' },
  'watch-kind': {
    type: 'string',
    multiple: true,
    default: ['ClusterPolicy', 'Policy'],
  },
  namespace: { type: 'string', multiple: true },
  'audit-id': { type: 'string' },
  classification: { type: 'string' },
  owner: { type: 'string' },
  state: { type: 'string' },
  note: { type: 'string' },
  query: { type: 'string' },
  to: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...TASK_OPTIONS,
} satisfies ParseArgsOptionsConfig;

type OptionName = keyof typeof OPTIONS;
const TASK_OPTION_NAMES = Object.keys(TASK_OPTIONS) as OptionName[];
const SKILL_OPTIONS: OptionName[] = [
  'skills',
  'portal',
  'query',
  'to',
  'force',
];

/** The options each command takes besides --output and --help. */
const COMMANDS: Record<string, OptionName[]> = {
  'policy check': ['policies', 'fail-on', 'max-bytes'],
  'policy test': [],
  'drift audit': [
    'desired',
    'live',
    'skills',
    'audit-log',
    'cluster',
    'watch-kind',
    'namespace',
  ],
  'drift findings': [
    'portal',
    'audit-id',
    'namespace',
    'entity',
    'owner',
    'classification',
    'state',
  ],
  'drift resolve': ['portal', 'note'],
  'skills list': SKILL_OPTIONS,
  'skills show': SKILL_OPTIONS,
  'skills export': SKILL_OPTIONS,
  'skills import': SKILL_OPTIONS,
  'task add': TASK_OPTION_NAMES,
  'task list': TASK_OPTION_NAMES,
  'task run': TASK_OPTION_NAMES,
  'task logs': TASK_OPTION_NAMES,
  'task rm': TASK_OPTION_NAMES,
};

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      tokens: true,
      options: OPTIONS,
    });
  } catch (error) {
    // node:util's messages name the option; say where to look next.
    throw new CliError(`${(error as Error).message}\nSee hermes --help`);
  }
}

/** Runs the CLI with the given arguments; returns the process exit code. */
export async function main(
  argv: string[],
  print: (text: string) => void = t => process.stdout.write(`${t}\n`),
): Promise<number> {
  const { values, positionals, tokens } = parse(argv);
  const [group, command, ...rest] = positionals;
  if (values.help) {
    print(usage(group));
    return 0;
  }
  if (!group) {
    print(usage());
    return 2;
  }
  const name = `${group} ${command ?? ''}`.trim();
  const allowed = COMMANDS[name];
  if (!allowed) {
    if (group === 'task' || group === 'skills') {
      // Their own messages list the subcommands.
    } else {
      throw new CliError(
        SECTIONS[group]
          ? `unknown command "hermes ${name}"\n${SECTIONS[group]}`
          : `unknown command "hermes ${name}"; the commands are ${Object.keys(
              SECTIONS,
            ).join(', ')} (see hermes --help)`,
      );
    }
  } else {
    const given = (tokens ?? []).flatMap(t => (t.kind === 'option' ? [t] : []));
    const stray = given.find(
      t =>
        t.name !== 'output' &&
        t.name !== 'help' &&
        !allowed.includes(t.name as OptionName),
    );
    if (stray) {
      throw new CliError(
        `hermes ${name} does not take ${stray.rawName}\n${SECTIONS[group]}`,
      );
    }
  }
  const output = values.output;
  if (output !== 'text' && output !== 'json')
    throw new CliError(`--output must be text or json, not "${output}"`);
  const json = output === 'json';
  // Relative paths are relative to where the user ran the command, also through `npm run`.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const resolve = (p: string) => path.resolve(cwd, p);

  if (name === 'policy check') {
    const failOn = values['fail-on'] as FailOn;
    if (!['enforce', 'any', 'never'].includes(failOn))
      throw new CliError(
        `--fail-on must be enforce, any or never, not "${failOn}"`,
      );
    const maxBytes =
      values['max-bytes'] === undefined
        ? undefined
        : Number(values['max-bytes']);
    if (maxBytes !== undefined && !(maxBytes > 0)) {
      throw new CliError(
        `--max-bytes must be a positive number, not "${values['max-bytes']}"`,
      );
    }
    return policyCheck({
      inputs: rest.map(resolve),
      policies: values.policies.map(resolve),
      output,
      failOn,
      maxBytes,
      print,
    });
  }
  if (name === 'policy test') {
    if (rest.length !== 1)
      throw new CliError('hermes policy test takes exactly one directory');
    return policyTest({ dir: resolve(rest[0]), output, print });
  }
  if (name === 'drift audit') {
    if (!values.desired || !values.live)
      throw new CliError(
        'hermes drift audit needs --desired <dir> and --live <snapshot-dir>',
      );
    return driftAudit({
      desired: resolve(values.desired),
      live: resolve(values.live),
      skills: values.skills ? resolve(values.skills) : undefined,
      auditLog: values['audit-log'] ? resolve(values['audit-log']) : undefined,
      cluster: values.cluster,
      watchedKinds: values['watch-kind'],
      namespaces: values.namespace,
      output,
      print,
    });
  }
  if (name === 'drift findings' || name === 'drift resolve') {
    return findingCommand({
      command: command as 'findings' | 'resolve',
      args: rest,
      values,
      json,
      print,
    });
  }
  if (group === 'skills') {
    return skillsCommand({ command, args: rest, values, json, print, resolve });
  }
  return taskCommand({ command, args: rest, values, output, print });
}

/**
 * Exits once everything printed is written. A pipe takes output only as fast as its reader
 * reads it, and process.exit drops what is still queued: `hermes policy check --output json
 * | jq` received the first few hundred kilobytes of a large report.
 */
function exitAfterOutput(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** Entry point of the `hermes` binary: exit 0, 1 (findings) or 2 (usage or input error). */
export function cli(): void {
  main(process.argv.slice(2)).then(exitAfterOutput, error => {
    const message =
      error instanceof Error ? error.message : String(error ?? 'failed');
    process.stderr.write(`hermes: ${message}\n`);
    exitAfterOutput(error instanceof CliError ? error.exitCode : 2);
  });
}
