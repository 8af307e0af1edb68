import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  DocumentProblem,
  parseKubernetesYaml,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';

const YAML_FILE = /\.ya?ml$/i;

/** Kubernetes objects read from policy sources, and what could not be read. */
export interface LoadedSources {
  objects: SourcedObject[];
  problems: DocumentProblem[];
}

async function walk(target: string, found: string[]): Promise<void> {
  const stat = await fs.stat(target);
  if (stat.isFile()) {
    found.push(target);
    return;
  }
  for (const entry of await fs.readdir(target, { withFileTypes: true })) {
    const full = path.join(target, entry.name);
    if (
      entry.isDirectory() &&
      entry.name !== 'node_modules' &&
      entry.name !== '.git'
    )
      await walk(full, found);
    else if (entry.isFile() && YAML_FILE.test(entry.name)) found.push(full);
  }
}

/**
 * Reads YAML (Kyverno policies, usually) from local files and directories, and from URLs
 * through Backstage's URL reader, so any configured integration (GitHub, GitLab, ...)
 * works. A source that cannot be read is reported, never silently skipped.
 */
export async function loadYamlSources(
  sources: string[],
  options: { urlReader: UrlReaderService; baseDir?: string; maxBytes?: number },
): Promise<LoadedSources> {
  const objects: SourcedObject[] = [];
  const problems: DocumentProblem[] = [];
  const add = (text: string, source: string) => {
    const parsed = parseKubernetesYaml(text, source, {
      maxBytes: options.maxBytes,
    });
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  };
  for (const source of sources) {
    try {
      if (/^https?:\/\//.test(source)) {
        if (YAML_FILE.test(new URL(source).pathname)) {
          const response = await options.urlReader.readUrl(source);
          add((await response.buffer()).toString('utf8'), source);
        } else {
          const tree = await options.urlReader.readTree(source);
          for (const file of await tree.files()) {
            if (YAML_FILE.test(file.path))
              add(
                (await file.content()).toString('utf8'),
                `${source}/${file.path}`,
              );
          }
        }
      } else {
        const files: string[] = [];
        await walk(
          path.resolve(options.baseDir ?? process.cwd(), source),
          files,
        );
        for (const file of files.sort())
          add(await fs.readFile(file, 'utf8'), file);
      }
    } catch (error) {
      problems.push({
        source,
        message: `cannot read policy source: ${(error as Error).message}`,
      });
    }
  }
  return { objects, problems };
}
