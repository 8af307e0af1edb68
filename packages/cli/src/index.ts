import path from 'node:path';
import { parseArgs } from 'node:util';
import { FailOn } from '@hermes-backstage/plugin-hermes-common';
import { driftAudit } from './driftCommands';
import { OutputFormat, policyCheck, policyTest } from './policyCommands';
import { TASK_OPTIONS, TASK_USAGE, taskCommand } from './taskCommands';

const USAGE = `Usage:
  hermes policy check <files|dirs...> --policies <dir|file> [--policies ...] [--fail-on enforce|any|never] [--output text|json] [--max-bytes N]
  hermes policy test <dir> [--output text|json]
  hermes drift audit --desired <dir> --live <snapshot-dir> [--skills <dir>] [--audit-log <events.jsonl>] [--cluster name]
                     [--watch-kind Kind ...] [--namespace ns ...] [--output text|json]
${TASK_USAGE}`;

/** Runs the CLI with the given arguments; returns the process exit code. */
export async function main(
  argv: string[],
  print: (text: string) => void = t => process.stdout.write(`${t}\n`),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
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
      help: { type: 'boolean', short: 'h' },
      ...TASK_OPTIONS,
    },
  });
  const [group, command, ...rest] = positionals;
  if (values.help || !group) {
    print(USAGE);
    return values.help ? 0 : 2;
  }
  const output = values.output as OutputFormat;
  if (output !== 'text' && output !== 'json')
    throw new Error(`--output must be text or json, not "${output}"`);
  const failOn = values['fail-on'] as FailOn;
  if (!['enforce', 'any', 'never'].includes(failOn))
    throw new Error(`--fail-on must be enforce, any or never, not "${failOn}"`);
  const maxBytes =
    values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']);
  if (maxBytes !== undefined && !(maxBytes > 0)) {
    throw new Error(
      `--max-bytes must be a positive number, not "${values['max-bytes']}"`,
    );
  }
  // Relative paths are relative to where the user ran the command, also through `yarn hermes`.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const resolve = (p: string) => path.resolve(cwd, p);

  if (group === 'policy' && command === 'check') {
    return policyCheck({
      inputs: rest.map(resolve),
      policies: (values.policies as string[]).map(resolve),
      output,
      failOn,
      maxBytes,
      print,
    });
  }
  if (group === 'policy' && command === 'test') {
    if (rest.length !== 1)
      throw new Error('hermes policy test takes exactly one directory');
    return policyTest({ dir: resolve(rest[0]), output, print });
  }
  if (group === 'drift' && command === 'audit') {
    if (!values.desired || !values.live)
      throw new Error(
        'hermes drift audit needs --desired <dir> and --live <snapshot-dir>',
      );
    return driftAudit({
      desired: resolve(values.desired),
      live: resolve(values.live),
      skills: values.skills ? resolve(values.skills) : undefined,
      auditLog: values['audit-log'] ? resolve(values['audit-log']) : undefined,
      cluster: values.cluster as string,
      watchedKinds: values['watch-kind'] as string[],
      namespaces: values.namespace as string[] | undefined,
      output,
      print,
    });
  }
  if (group === 'task') {
    return taskCommand({ command, args: rest, values, output, print });
  }
  throw new Error(`unknown command "${positionals.join(' ')}"\n${USAGE}`);
}

/** Entry point of the `hermes` binary. */
export function cli(): void {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    error => {
      process.stderr.write(`hermes: ${error.message}\n`);
      process.exit(2);
    },
  );
}
