/** A container image reference split the way Kyverno's `images` variable exposes it. */
export interface ImageInfo {
  registry: string;
  path: string;
  name: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

/** Parses `registry/path/name:tag@digest`; Docker Hub and `latest` are the defaults. */
export function parseImage(image: string): ImageInfo {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (
    parts.length > 1 &&
    (parts[0].includes('.') ||
      parts[0].includes(':') ||
      parts[0] === 'localhost')
  ) {
    registry = parts.shift()!;
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const path = parts.join('/');
  if (!tag && !digest) tag = 'latest';
  const base = `${registry}/${path}`;
  return {
    registry,
    path,
    name: parts[parts.length - 1],
    tag,
    digest,
    reference: digest ? `${base}@${digest}` : `${base}:${tag}`,
    referenceWithTag: `${base}:${tag}`,
  };
}

type Containers = Array<{ name?: string; image?: string }> | undefined;

/** The `images` context variable: images by container kind and container name. */
export function imagesOf(
  object: Record<string, any>,
): Record<string, Record<string, ImageInfo>> {
  const specs = [
    object.spec,
    object.spec?.template?.spec,
    object.spec?.jobTemplate?.spec?.template?.spec,
  ];
  // Collected as entries and built once: spreading the map for every container was
  // quadratic in the number of containers, and assigning a container named `__proto__`
  // would set a prototype.
  const byField = new Map<string, Array<[string, ImageInfo]>>();
  for (const spec of specs) {
    if (!spec || typeof spec !== 'object') continue;
    for (const field of [
      'containers',
      'initContainers',
      'ephemeralContainers',
    ]) {
      const containers = spec[field] as Containers;
      // Anything but a list holds no images: the rules that check the field say what is wrong.
      if (!Array.isArray(containers)) continue;
      for (const container of containers) {
        if (
          typeof container?.image !== 'string' ||
          typeof container.name !== 'string'
        )
          continue;
        if (!byField.has(field)) byField.set(field, []);
        byField.get(field)!.push([container.name, parseImage(container.image)]);
      }
    }
  }
  return Object.fromEntries(
    [...byField].map(([field, entries]) => [
      field,
      Object.fromEntries(entries),
    ]),
  );
}
