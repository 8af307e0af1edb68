import { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  decodeUtf8,
  DocumentProblem,
  parseKubernetesYaml,
  SourcedObject,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';

const YAML_FILE = /\.ya?ml$/i;

/** Kubernetes objects read from policy sources, what could not be read, and what was odd. */
export interface LoadedSources {
  objects: SourcedObject[];
  problems: DocumentProblem[];
  /** Read, but not quite as written: invalid UTF-8, with the file and byte offset. */
  warnings: string[];
}

const isUrl = (source: string) => /^https?:\/\//i.test(source);

async function walk(target: string, found: string[]): Promise<void> {
  // Symbolic links are not followed: a link could lead out of the directory named.
  const stat = await fs.lstat(target);
  if (stat.isFile()) {
    found.push(target);
    return;
  }
  if (!stat.isDirectory()) return;
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
 * Checks the policy sources a request names, before anything is read. A request comes from
 * users of the portal, not its operators, so it may name only sources the operators
 * configured, URLs (read through the URL reader, which allows only configured integrations
 * and `backend.reading.allow`), or, given a `workspace` (a scaffolder task's), paths inside
 * it. A path elsewhere on the server is refused without looking at it, so the answer says
 * nothing about what exists there.
 */
export function checkRequestedSources(
  requested: string[],
  options: { configured: string[]; workspace?: string },
): string[] {
  return requested.map((source, i) => {
    if (options.configured.includes(source) || isUrl(source)) return source;
    if (options.workspace) {
      const resolved = path.resolve(options.workspace, source);
      const relative = path.relative(options.workspace, resolved);
      if (!relative.startsWith('..') && !path.isAbsolute(relative))
        return resolved;
    }
    throw new InputError(
      `policies[${i}]: "${source}" is not a configured policy source (hermes.policies.sources) or a URL${
        options.workspace ? ', nor a path inside the workspace' : ''
      }; a request cannot read files on the server. Send the policy YAML inline, or ask an administrator to add the source.`,
    );
  });
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
  const warnings: string[] = [];
  const add = (bytes: Uint8Array, source: string) => {
    const { text, warning } = decodeUtf8(bytes, source);
    if (warning) warnings.push(warning);
    const parsed = parseKubernetesYaml(text, source, {
      maxBytes: options.maxBytes,
    });
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  };
  for (const source of sources) {
    try {
      if (isUrl(source)) {
        if (YAML_FILE.test(new URL(source).pathname)) {
          const response = await options.urlReader.readUrl(source);
          add(await response.buffer(), source);
        } else {
          const tree = await options.urlReader.readTree(source);
          for (const file of await tree.files()) {
            if (YAML_FILE.test(file.path))
              add(await file.content(), `${source}/${file.path}`);
          }
        }
      } else {
        const files: string[] = [];
        await walk(
          path.resolve(options.baseDir ?? process.cwd(), source),
          files,
        );
        for (const file of files.sort()) add(await fs.readFile(file), file);
      }
    } catch (error) {
      problems.push({
        source,
        message: `cannot read policy source: ${(error as Error).message}`,
      });
    }
  }
  return { objects, problems, warnings };
}
