// The Kubernetes CEL semver library: isSemver, semver(), major/minor/patch, compareTo,
// isGreaterThan/isLessThan. Parsing is strict Semantic Versioning 2.0.0 (no leading "v", no
// leading zeros); with `normalize` a leading "v", missing minor/patch and leading zeros
// are accepted, as Kubernetes does. Build metadata does not count in comparisons.
import type { Environment } from '@marcbachmann/cel-js';

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string[],
    readonly build: string[],
  ) {}

  toString(): string {
    const pre = this.pre.length ? `-${this.pre.join('.')}` : '';
    const build = this.build.length ? `+${this.build.join('.')}` : '';
    return `${this.major}.${this.minor}.${this.patch}${pre}${build}`;
  }
}

const NUMBER = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;
const MAX_UINT64 = 2n ** 64n - 1n;

function number(text: string, what: string): bigint {
  if (!NUMBER.test(text)) throw new Error(`invalid ${what} "${text}"`);
  const value = BigInt(text);
  if (value > MAX_UINT64) throw new Error(`${what} "${text}" is too large`);
  return value;
}

function identifiers(text: string, what: string, numeric: boolean): string[] {
  const parts = text.split('.');
  for (const part of parts) {
    if (!IDENTIFIER.test(part)) throw new Error(`invalid ${what} "${text}"`);
    if (numeric && /^[0-9]+$/.test(part) && !NUMBER.test(part))
      throw new Error(`${what} "${part}" has a leading zero`);
  }
  return parts;
}

function normalise(text: string): string {
  let rest = text.startsWith('v') ? text.slice(1) : text;
  const suffix = /[-+]/.exec(rest);
  const core = suffix ? rest.slice(0, suffix.index) : rest;
  rest = suffix ? rest.slice(suffix.index) : '';
  const numbers = core.split('.');
  while (numbers.length < 3) numbers.push('0');
  return (
    numbers
      .map(n => (/^[0-9]+$/.test(n) ? n.replace(/^0+(?=\d)/, '') : n))
      .join('.') + rest
  );
}

/** Parses a version; throws naming what is wrong. */
export function parseSemver(input: string, normalize = false): Semver {
  const text = normalize ? normalise(input) : input;
  const plus = text.indexOf('+');
  const build =
    plus < 0 ? [] : identifiers(text.slice(plus + 1), 'build metadata', false);
  const withoutBuild = plus < 0 ? text : text.slice(0, plus);
  const dash = withoutBuild.indexOf('-');
  const pre =
    dash < 0
      ? []
      : identifiers(withoutBuild.slice(dash + 1), 'prerelease', true);
  const core = (dash < 0 ? withoutBuild : withoutBuild.slice(0, dash)).split(
    '.',
  );
  if (core.length !== 3) throw new Error(`"${input}" is not major.minor.patch`);
  return new Semver(
    number(core[0], 'major version'),
    number(core[1], 'minor version'),
    number(core[2], 'patch version'),
    pre,
    build,
  );
}

function comparePre(a: string[], b: string[]): number {
  // A version without a prerelease ranks above one with it.
  if (!a.length || !b.length) return Number(!a.length) - Number(!b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const an = NUMBER.test(a[i]);
    const bn = NUMBER.test(b[i]);
    if (an && bn) return BigInt(a[i]) < BigInt(b[i]) ? -1 : 1;
    if (an !== bn) return an ? -1 : 1;
    return a[i] < b[i] ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** -1, 0 or 1 by Semantic Versioning precedence. */
export function compareSemver(a: Semver, b: Semver): number {
  for (const field of ['major', 'minor', 'patch'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return comparePre(a.pre, b.pre);
}

function semver(text: string, normalize = false): Semver {
  try {
    return parseSemver(text, normalize);
  } catch (error) {
    throw new Error(`semver: ${(error as Error).message}`);
  }
}

function isSemver(text: string, normalize = false): boolean {
  try {
    parseSemver(text, normalize);
    return true;
  } catch {
    return false;
  }
}

export function registerSemver(env: Environment): void {
  env
    .registerType('Semver', Semver)
    .registerFunction('isSemver(string): bool', (s: string) => isSemver(s))
    .registerFunction('isSemver(string, bool): bool', isSemver)
    .registerFunction('semver(string): Semver', (s: string) => semver(s))
    .registerFunction('semver(string, bool): Semver', semver)
    .registerFunction('Semver.major(): int', (v: Semver) => v.major)
    .registerFunction('Semver.minor(): int', (v: Semver) => v.minor)
    .registerFunction('Semver.patch(): int', (v: Semver) => v.patch)
    .registerFunction('Semver.compareTo(Semver): int', (a: Semver, b: Semver) =>
      BigInt(compareSemver(a, b)),
    )
    .registerFunction(
      'Semver.isGreaterThan(Semver): bool',
      (a: Semver, b: Semver) => compareSemver(a, b) > 0,
    )
    .registerFunction(
      'Semver.isLessThan(Semver): bool',
      (a: Semver, b: Semver) => compareSemver(a, b) < 0,
    )
    .registerOperator(
      'Semver == Semver',
      (a: Semver, b: Semver) => a.toString() === b.toString(),
    );
}
