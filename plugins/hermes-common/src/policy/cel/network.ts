// Kubernetes' URL and IP/CIDR libraries: `url(s).getHost()`, `ip(s).isLoopback()`,
// `cidr("10.0.0.0/8").containsIP(ip(s))`. Parsed by hand to keep Go's behaviour (ports kept as
// written, no IPv4 octets with leading zeros).
import type { Environment } from '@marcbachmann/cel-js';

export class Url {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly rawQuery: string,
  ) {}
}

const URL_FORM =
  /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/;

function parseUrl(text: string): Url {
  const m = URL_FORM.exec(text);
  // Kubernetes accepts absolute URIs and absolute paths only.
  if (!m || (m[1] === undefined && !m[3].startsWith('/')))
    throw new Error(
      `URL must be an absolute URI or an absolute path: "${text}"`,
    );
  const host = (m[2] ?? '').replace(/^.*@/, '');
  return new Url(m[1] ?? '', host, m[3], m[4] ?? '');
}

function hostname(u: Url): string {
  if (u.host.startsWith('[')) return u.host.slice(1, u.host.indexOf(']'));
  return u.host.replace(/:\d*$/, '');
}

function port(u: Url): string {
  const m = /:(\d*)$/.exec(
    u.host.startsWith('[') ? u.host.slice(u.host.indexOf(']')) : u.host,
  );
  return m ? m[1] : '';
}

function query(u: Url): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!u.rawQuery) return out;
  for (const part of u.rawQuery.split('&')) {
    if (!part) continue;
    const [k, v = ''] = part
      .split('=', 2)
      .map(x => decodeURIComponent(x.replace(/\+/g, ' ')));
    if (!Object.hasOwn(out, k))
      Object.defineProperty(out, k, {
        value: [],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    out[k].push(v);
  }
  return out;
}

export class IP {
  constructor(readonly family: 4 | 6, readonly value: bigint) {}
}
export class CIDR {
  constructor(readonly ip: IP, readonly prefix: number) {}
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2)
    return undefined;
  const [head, tail] = text.includes('::')
    ? text.split('::')
    : [text, undefined];
  const groups = (s: string) => (s ? s.split(':') : []);
  const words: number[] = [];
  const read = (list: string[]) => {
    const out: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (i === list.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const a = read(groups(head));
  const b = tail === undefined ? [] : read(groups(tail));
  if (!a || !b) return undefined;
  if (tail === undefined ? a.length !== 8 : a.length + b.length > 7)
    return undefined;
  words.push(...a, ...Array(8 - a.length - b.length).fill(0), ...b);
  return words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

function parseIP(text: string): IP {
  if (text.includes('%'))
    throw new Error(`IP address with zone value is not allowed: "${text}"`);
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return new IP(4, v4);
  const v6 = text.includes(':') ? parseIPv6(text) : undefined;
  if (v6 === undefined) throw new Error(`IP Address "${text}" parse error`);
  // An IPv4-mapped IPv6 address is refused, as Kubernetes does.
  if (v6 >> 32n === 0xffffn)
    throw new Error(`IPv4-mapped IPv6 address "${text}" is not allowed`);
  return new IP(6, v6);
}

export function ipToString(ip: IP): string {
  if (ip.family === 4)
    return [24n, 16n, 8n, 0n]
      .map(s => String((ip.value >> s) & 0xffn))
      .join('.');
  const words = Array.from({ length: 8 }, (_, i) =>
    Number((ip.value >> BigInt(112 - i * 16)) & 0xffffn),
  );
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map(w => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex
    .slice(best + bestLen)
    .join(':')}`;
}

function parseCIDR(text: string): CIDR {
  const slash = text.indexOf('/');
  const prefixText = text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(prefixText))
    throw new Error(`network address parse error: "${text}"`);
  const ip = parseIP(text.slice(0, slash));
  const prefix = Number(prefixText);
  if (prefix > (ip.family === 4 ? 32 : 128))
    throw new Error(`network address parse error: "${text}"`);
  return new CIDR(ip, prefix);
}

function mask(c: CIDR): IP {
  const bits = BigInt(c.ip.family === 4 ? 32 : 128);
  const host = bits - BigInt(c.prefix);
  return new IP(c.ip.family, (c.ip.value >> host) << host);
}

function containsIP(c: CIDR, ip: IP): boolean {
  if (ip.family !== c.ip.family) return false;
  return mask(new CIDR(ip, c.prefix)).value === mask(c).value;
}

const attempt = (parse: (s: string) => unknown) => (s: string) => {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
};

const inRange = (ip: IP, v4: string, v6: string) =>
  containsIP(parseCIDR(ip.family === 4 ? v4 : v6), ip);

export function registerNetwork(env: Environment): void {
  env
    .registerType('URL', Url)
    .registerFunction('url(string): URL', parseUrl)
    .registerFunction('isURL(string): bool', attempt(parseUrl))
    .registerFunction('URL.getScheme(): string', (u: Url) => u.scheme)
    .registerFunction('URL.getHost(): string', (u: Url) => u.host)
    .registerFunction('URL.getHostname(): string', hostname)
    .registerFunction('URL.getPort(): string', port)
    .registerFunction('URL.getEscapedPath(): string', (u: Url) => u.path)
    .registerFunction('URL.getQuery(): map<string, list<string>>', query)
    .registerType('net.IP', IP)
    .registerType('net.CIDR', CIDR)
    .registerFunction('ip(string): net.IP', parseIP)
    .registerFunction('isIP(string): bool', attempt(parseIP))
    .registerFunction('string(net.IP): string', ipToString)
    .registerFunction('net.IP.family(): int', (ip: IP) => BigInt(ip.family))
    .registerFunction(
      'net.IP.isUnspecified(): bool',
      (ip: IP) => ip.value === 0n,
    )
    .registerFunction('net.IP.isLoopback(): bool', (ip: IP) =>
      inRange(ip, '127.0.0.0/8', '::1/128'),
    )
    .registerFunction('net.IP.isLinkLocalMulticast(): bool', (ip: IP) =>
      inRange(ip, '224.0.0.0/24', 'ff02::/16'),
    )
    .registerFunction('net.IP.isLinkLocalUnicast(): bool', (ip: IP) =>
      inRange(ip, '169.254.0.0/16', 'fe80::/10'),
    )
    .registerFunction(
      'net.IP.isGlobalUnicast(): bool',
      (ip: IP) =>
        !(
          ip.value === 0n ||
          inRange(ip, '127.0.0.0/8', '::1/128') ||
          inRange(ip, '169.254.0.0/16', 'fe80::/10') ||
          inRange(ip, '224.0.0.0/4', 'ff00::/8') ||
          (ip.family === 4 && ip.value === 0xffffffffn)
        ),
    )
    .registerFunction('cidr(string): net.CIDR', parseCIDR)
    .registerFunction('isCIDR(string): bool', attempt(parseCIDR))
    .registerFunction(
      'string(net.CIDR): string',
      (c: CIDR) => `${ipToString(c.ip)}/${c.prefix}`,
    )
    .registerFunction('net.CIDR.containsIP(net.IP): bool', containsIP)
    .registerFunction(
      'net.CIDR.containsIP(string): bool',
      (c: CIDR, s: string) => containsIP(c, parseIP(s)),
    )
    .registerFunction(
      'net.CIDR.containsCIDR(net.CIDR): bool',
      (c: CIDR, o: CIDR) => o.prefix >= c.prefix && containsIP(c, o.ip),
    )
    .registerFunction(
      'net.CIDR.containsCIDR(string): bool',
      (c: CIDR, s: string) => {
        const o = parseCIDR(s);
        return o.prefix >= c.prefix && containsIP(c, o.ip);
      },
    )
    .registerFunction('net.CIDR.ip(): net.IP', (c: CIDR) => c.ip)
    .registerFunction(
      'net.CIDR.masked(): net.CIDR',
      (c: CIDR) => new CIDR(mask(c), c.prefix),
    )
    .registerFunction('net.CIDR.prefixLength(): int', (c: CIDR) =>
      BigInt(c.prefix),
    );
}
