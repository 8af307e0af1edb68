import { SkillFile } from '@hermes-backstage/plugin-hermes-common';

/**
 * What Export downloads. Without a zip library a folder cannot be one download, so a skill
 * with reference files comes as one JSON bundle (`{ files }`), which Import reads back.
 */
export function exportFileName(name: string, referenceFiles: number): string {
  return referenceFiles === 0 ? 'SKILL.md' : `${name}.skill.json`;
}

/** Downloads an exported skill; returns the file name it was saved under. */
export function downloadSkill(name: string, files: SkillFile[]): string {
  const document = files.find(f => f.path === 'SKILL.md');
  const fileName = exportFileName(name, files.length - 1);
  const blob =
    files.length === 1 && document
      ? new Blob([document.content], { type: 'text/markdown' })
      : new Blob([JSON.stringify({ files }, null, 2)], {
          type: 'application/json',
        });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked on the next tick: some browsers start the download only after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return fileName;
}

// FileReader rather than Blob.text(), which older browsers and jsdom lack.
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

function isBundle(value: unknown): value is { files: SkillFile[] } {
  const files = (value as { files?: unknown } | null)?.files;
  return (
    Array.isArray(files) &&
    files.every(
      f => typeof f?.path === 'string' && typeof f?.content === 'string',
    )
  );
}

/**
 * Reads picked files as a skill folder: paths relative to the picked folder (or bare file
 * names from a plain file picker), leaving out hidden files such as `.DS_Store`, as the
 * server does when it reads a skills directory. One `.json` file is read as an exported
 * bundle.
 */
export async function readSkillFolder(picked: File[]): Promise<SkillFile[]> {
  const files = await Promise.all(
    picked
      .map(file => ({ file, path: file.webkitRelativePath || file.name }))
      .filter(({ path }) => !path.split('/').some(s => s.startsWith('.')))
      .map(async ({ file, path }) => ({ path, content: await readText(file) })),
  );
  if (files.length === 1 && files[0].path.endsWith('.json')) {
    const [bundle] = files;
    let parsed: unknown;
    try {
      parsed = JSON.parse(bundle.content);
    } catch {
      parsed = undefined;
    }
    if (!isBundle(parsed)) {
      throw new Error(
        `${bundle.path} is not a skill bundle from Export: expected {"files": [{"path": …, "content": …}]}`,
      );
    }
    return parsed.files;
  }
  return files;
}
