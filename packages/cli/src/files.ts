import fs from 'node:fs/promises';
import path from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Every file below the given files or directories whose name passes `accept`, sorted. */
export async function collectFiles(
  inputs: string[],
  accept: (name: string) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  async function visit(target: string) {
    const stat = await fs.stat(target).catch(() => undefined);
    if (!stat) throw new Error(`no such file or directory: ${target}`);
    if (stat.isFile()) {
      found.push(target);
      return;
    }
    for (const entry of await fs.readdir(target, { withFileTypes: true })) {
      const full = path.join(target, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) await visit(full);
      else if (entry.isFile() && accept(entry.name)) found.push(full);
    }
  }
  for (const input of inputs) await visit(input);
  return [...new Set(found)].sort();
}

export const isYaml = (name: string) => /\.ya?ml$/i.test(name);
