import { compileCel } from './environment';
import { fromCel } from './values';

const run = (expression: string) =>
  fromCel(compileCel(expression).evaluate({}));

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe("Kyverno's image library", () => {
  // [reference, registry, repository, tag, digest]
  it.each([
    ['nginx', 'index.docker.io', 'library/nginx', 'latest', ''],
    ['nginx:1.27', 'index.docker.io', 'library/nginx', '1.27', ''],
    ['docker.io/nginx', 'index.docker.io', 'library/nginx', 'latest', ''],
    ['bitnami/redis:7', 'index.docker.io', 'bitnami/redis', '7', ''],
    ['ghcr.io/acme/app:v1.2.3', 'ghcr.io', 'acme/app', 'v1.2.3', ''],
    ['ghcr.io/app', 'ghcr.io', 'app', 'latest', ''],
    ['localhost/app', 'localhost', 'app', 'latest', ''],
    ['localhost:5000/team/app', 'localhost:5000', 'team/app', 'latest', ''],
    [
      'registry.example.com:443/a/b/c:1',
      'registry.example.com:443',
      'a/b/c',
      '1',
      '',
    ],
    // Without a dot, colon or "localhost", the first segment is part of the repository.
    ['team/app:1', 'index.docker.io', 'team/app', '1', ''],
    [`nginx@${DIGEST}`, 'index.docker.io', 'library/nginx', '', DIGEST],
    // A tag beside a digest is dropped: the digest names the image.
    [`ghcr.io/acme/app:1.0@${DIGEST}`, 'ghcr.io', 'acme/app', '', DIGEST],
  ])('%s', (reference, registry, repository, tag, digest) => {
    const image = `parseImageReference('${reference}')`;
    expect(
      run(
        `[${image}.registry(), ${image}.repository(), ${image}.tag(), ${image}.digest()]`,
      ),
    ).toEqual([registry, repository, tag, digest]);
    expect(run(`${image}.identifier()`)).toBe(digest || tag);
    expect(run(`${image}.containsDigest()`)).toBe(digest !== '');
    // image() is the library's older name for the same function.
    expect(run(`image('${reference}').registry()`)).toBe(registry);
    expect(run(`isImage('${reference}')`)).toBe(true);
  });

  it.each([
    ['', 'could not parse reference: '],
    ['Nginx', 'could not parse reference: Nginx'],
    ['nginx:', 'could not parse reference: nginx:'],
    ['nginx:bad tag', 'could not parse reference: nginx:bad tag'],
    [`nginx:${'x'.repeat(129)}`, 'could not parse reference'],
    ['nginx@sha256:abc', 'could not parse reference: nginx@sha256:abc'],
    [`nginx@md5:${'a'.repeat(32)}`, 'could not parse reference'],
    [`a@b@${DIGEST}`, 'could not parse reference'],
    ['exa mple.com/app', 'could not parse reference'],
    ['example.com:port/app', 'could not parse reference'],
    ['ghcr.io/app?pin=1', 'could not parse reference'],
  ])('%j is not an image reference', (reference, message) => {
    expect(run(`isImage(${JSON.stringify(reference)})`)).toBe(false);
    expect(() => run(`image(${JSON.stringify(reference)})`)).toThrow(message);
  });

  it.each([
    ["image('nginx') == image('nginx')", true],
    // Kyverno compares references as written.
    ["image('nginx') == image('nginx:latest')", false],
    [
      "['ghcr.io/a:1', 'docker.io/b', 'quay.io/c'].filter(i, parseImageReference(i).registry() in ['ghcr.io', 'quay.io'])",
      ['ghcr.io/a:1', 'quay.io/c'],
    ],
    // A comprehension variable named image is a plain variable, not the registry client.
    ["['nginx:1'].all(image, image.startsWith('nginx'))", true],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it('reports image.GetMetadata, which needs a registry, as unsupported', () => {
    expect(() => compileCel("image.GetMetadata('nginx').config")).toThrow(
      expect.objectContaining({
        name: 'CelUnsupportedError',
        message: expect.stringContaining('GetMetadata, which needs a registry'),
      }),
    );
  });
});
