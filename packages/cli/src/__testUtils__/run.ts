import { execFile } from 'node:child_process';
import path from 'node:path';
import { main } from '../index';

/** The CLI in-process: its exit code and what it printed; errors are thrown. */
export async function run(...args: string[]) {
  const lines: string[] = [];
  const code = await main(args, line => lines.push(line));
  return { code, out: lines.join('\n') };
}

/** The real `hermes` binary, for what only a process shows: exit code and stderr. */
export function runBinary(
  args: string[],
  env: Record<string, string> = {},
  bin = path.resolve(__dirname, '../../bin/hermes'),
) {
  return new Promise<{ code: number; stdout: string; stderr: string }>(
    resolve => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    },
  );
}
