// Kyverno's image library, offline: `parseImageReference(s)` (and its older name `image(s)`),
// `isImage(s)`, and registry/repository/identifier/tag/digest/containsDigest. References are
// read as go-containerregistry reads them without strict validation, which Kyverno uses: no
// registry means index.docker.io (docker.io is rewritten to it), a one-segment repository there
// gets "library/", and a reference with neither tag nor digest is tagged "latest".
import type { Environment } from '@marcbachmann/cel-js';

export const DEFAULT_REGISTRY = 'index.docker.io';

export class ImageReference {
  constructor(
    /** The text as written; two references are equal when it is. */
    readonly original: string,
    readonly registry: string,
    /** The repository as written, before "library/" is added. */
    readonly path: string,
    readonly tag: string,
    readonly digest: string,
  ) {}

  get repository(): string {
    return !this.path.includes('/') && this.registry === DEFAULT_REGISTRY
      ? `library/${this.path}`
      : this.path;
  }
}

class BadReference extends Error {}

function checkElement(
  what: string,
  value: string,
  allowed: RegExp,
  chars: string,
  min: number,
  max: number,
) {
  const length = [...value].length;
  if (length < min || length > max)
    throw new BadReference(
      `${what} must be between ${min} and ${max} characters in length: ${value}`,
    );
  if (!allowed.test(value))
    throw new BadReference(
      `${what} can only contain the characters \`${chars}\`: ${value}`,
    );
}

// A registry must read back unchanged as the authority of "//registry" (Go's url.Parse):
// host characters only, and a port of digits.
const REGISTRY_HOST = /^[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~\u0080-\uffff]*$/;

function checkRegistry(name: string) {
  const bracket = name.startsWith('[') ? name.lastIndexOf(']') : -1;
  const hostEnd = name.startsWith('[') ? bracket + 1 : name.lastIndexOf(':');
  const port = hostEnd >= 0 && hostEnd < name.length ? name.slice(hostEnd) : '';
  if (
    !REGISTRY_HOST.test(name) ||
    (name.startsWith('[') && bracket < 0) ||
    (port !== '' && !/^:[0-9]*$/.test(port))
  )
    throw new BadReference(
      `registries must be valid RFC 3986 URI authorities: ${name}`,
    );
}

function parseRepository(name: string): { registry: string; path: string } {
  if (!name) throw new BadReference('a repository name must be specified');
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  const hasRegistry =
    slash >= 0 && (first === 'localhost' || /[.:]/.test(first));
  const path = hasRegistry ? name.slice(slash + 1) : name;
  checkElement(
    'repository',
    path,
    /^[a-z0-9_\-./]*$/,
    'abcdefghijklmnopqrstuvwxyz0123456789_-./',
    1,
    255,
  );
  let registry = hasRegistry ? first : '';
  checkRegistry(registry);
  if (registry === '' || registry === 'docker.io') registry = DEFAULT_REGISTRY;
  return { registry, path };
}

function parseTag(name: string): ImageReference {
  const colon = name.lastIndexOf(':');
  let base = name;
  let tag = '';
  // A colon followed by a slash belongs to a registry's port, not a tag.
  if (colon >= 0 && !name.slice(colon + 1).includes('/')) {
    base = name.slice(0, colon);
    tag = name.slice(colon + 1);
    if (!tag)
      throw new BadReference(`${name} must specify a tag name after the colon`);
    checkElement(
      'tag',
      tag,
      /^[A-Za-z0-9_.-]*$/,
      'abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      1,
      128,
    );
  }
  const { registry, path } = parseRepository(base);
  return new ImageReference(name, registry, path, tag || 'latest', '');
}

function parseDigest(name: string): ImageReference {
  const parts = name.split('@');
  if (parts.length !== 2)
    throw new BadReference(
      `a digest must contain exactly one '@' separator (e.g. registry/repository@digest) saw: ${name}`,
    );
  const [base, digest] = parts;
  if (!digest.startsWith('sha256:'))
    throw new BadReference(`unsupported digest algorithm: ${digest}`);
  if (!/^[a-f0-9]{64}$/.test(digest.slice(7)))
    throw new BadReference('invalid checksum digest');
  // A tag next to the digest is dropped: the digest names the image.
  let repository: { registry: string; path: string };
  try {
    const tagged = parseTag(base);
    repository = { registry: tagged.registry, path: tagged.repository };
  } catch {
    repository = parseRepository(base);
  }
  return new ImageReference(
    name,
    repository.registry,
    repository.path,
    '',
    digest,
  );
}

/** Parses an image reference as Kyverno does; throws "could not parse reference". */
export function parseImageReference(text: string): ImageReference {
  for (const parse of [parseTag, parseDigest]) {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof BadReference)) throw error;
    }
  }
  throw new Error(`could not parse reference: ${text}`);
}

function isImage(text: string): boolean {
  try {
    parseImageReference(text);
    return true;
  } catch {
    return false;
  }
}

export function registerImage(env: Environment): void {
  env
    .registerType('kyverno.image', ImageReference)
    .registerFunction(
      'parseImageReference(string): kyverno.image',
      (s: string) => parseImageReference(s),
    )
    // The library's first name, which Kyverno keeps for older policies.
    .registerFunction('image(string): kyverno.image', (s: string) =>
      parseImageReference(s),
    )
    .registerFunction('isImage(string): bool', isImage)
    .registerFunction(
      'kyverno.image.registry(): string',
      (i: ImageReference) => i.registry,
    )
    .registerFunction(
      'kyverno.image.repository(): string',
      (i: ImageReference) => i.repository,
    )
    .registerFunction(
      'kyverno.image.identifier(): string',
      (i: ImageReference) => i.digest || i.tag,
    )
    .registerFunction(
      'kyverno.image.tag(): string',
      (i: ImageReference) => i.tag,
    )
    .registerFunction(
      'kyverno.image.digest(): string',
      (i: ImageReference) => i.digest,
    )
    .registerFunction(
      'kyverno.image.containsDigest(): bool',
      (i: ImageReference) => i.digest !== '',
    )
    .registerOperator(
      'kyverno.image == kyverno.image',
      (a: ImageReference, b: ImageReference) => a.original === b.original,
    );
}
