// Kubernetes' format library (k8s.io/apiserver/pkg/cel/library, 1.31+):
// `format.dns1123Label().validate(name)` is optional.none() for a valid string, else the list of
// Kubernetes' own validation messages; `format.named('uuid')` looks a format up by name.
// Messages follow apimachinery: DNS names say "characters", label keys and values "bytes".
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { compileRe2 } from './regex';

export class Format {
  constructor(
    readonly name: string,
    readonly validate: (value: string) => string[],
  ) {}
}

class FormatNamespace {}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_KEY = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${LABEL_KEY})?`;
// Names come from manifests and requests: matched by RE2 (linear time), as `matches` is.
const whole = (pattern: string) => {
  const re = compileRe2(pattern);
  return { test: (s: string) => re.matches(s) };
};
const dns1123Label = whole(DNS1123_LABEL);
const dns1123Subdomain = whole(DNS1123_SUBDOMAIN);
const dns1035Label = whole(DNS1035_LABEL);
const labelKey = whole(LABEL_KEY);
const labelValue = whole(LABEL_VALUE);

/** Length in bytes, as Go's len() counts a string. */
function byteLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += 1 + Number(c >= 0x80) + Number(c >= 0x800) + Number(c >= 0x10000);
  }
  return n;
}

const tooLong = (max: number, unit: string) =>
  `must be no more than ${max} ${unit}`;

function regexError(message: string, pattern: string, ...examples: string[]) {
  const e = examples.map(x => `'${x}', `).join('or ');
  return `${message} (${
    e ? `e.g. ${e}` : ''
  }regex used for validation is '${pattern}')`;
}

function isDns1123Label(s: string): string[] {
  const errors: string[] = [];
  if (byteLength(s) > 63) errors.push(tooLong(63, 'characters'));
  if (!dns1123Label.test(s))
    errors.push(
      dns1123Subdomain.test(s)
        ? 'must not contain dots'
        : regexError(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            DNS1123_LABEL,
            'my-name',
            '123-abc',
          ),
    );
  return errors;
}

function isDns1123Subdomain(s: string, unit = 'characters'): string[] {
  const errors: string[] = [];
  if (byteLength(s) > 253) errors.push(tooLong(253, unit));
  if (!dns1123Subdomain.test(s))
    errors.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN,
        'example.com',
      ),
    );
  return errors;
}

function isDns1035Label(s: string): string[] {
  const errors: string[] = [];
  if (byteLength(s) > 63) errors.push(tooLong(63, 'characters'));
  if (!dns1035Label.test(s))
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL,
        'my-name',
        'abc-123',
      ),
    );
  return errors;
}

const LABEL_KEY_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function isQualifiedName(s: string): string[] {
  const errors: string[] = [];
  const parts = s.split('/');
  if (parts.length > 2)
    return [
      `a valid label key ${regexError(
        LABEL_KEY_MESSAGE,
        LABEL_KEY,
        'MyName',
        'my.name',
        '123-abc',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (!parts[0]) errors.push('prefix part must be non-empty');
    else
      errors.push(
        ...isDns1123Subdomain(parts[0], 'bytes').map(e => `prefix part ${e}`),
      );
  }
  if (!name) errors.push('name part must be non-empty');
  else if (byteLength(name) > 63)
    errors.push(`name part ${tooLong(63, 'bytes')}`);
  if (!labelKey.test(name))
    errors.push(
      `name part ${regexError(
        LABEL_KEY_MESSAGE,
        LABEL_KEY,
        'MyName',
        'my.name',
        '123-abc',
      )}`,
    );
  return errors;
}

function isLabelValue(s: string): string[] {
  const errors: string[] = [];
  if (byteLength(s) > 63) errors.push(tooLong(63, 'bytes'));
  if (!labelValue.test(s))
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  return errors;
}

/** A name that will get a generated suffix: a trailing dash is allowed (Kubernetes' masking). */
const prefixed = (check: (s: string) => string[]) => (s: string) =>
  check(s.length > 1 && s.endsWith('-') ? `${s.slice(0, -2)}a` : s);

// Go's strconv.Quote, close enough for messages: escapes quotes, backslashes and controls.
function goQuote(s: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = s.replace(/["\\\x00-\x1f\x7f]/g, c => {
    if (c === '"' || c === '\\') return `\\${c}`;
    const named: Record<string, string> = { '\n': 'n', '\r': 'r', '\t': 't' };
    if (named[c]) return `\\${named[c]}`;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

const HOST_CHARS = /^[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Go's unescape: percent escapes must be well formed; a host allows only some characters. */
function unescapeError(s: string, host: boolean): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      if (!HEX.test(s.slice(i + 1, i + 3)))
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      if (host && parseInt(s[i + 1], 16) < 8 && s.slice(i, i + 3) !== '%25')
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !HOST_CHARS.test(c))
      return `invalid character ${goQuote(c)} in host name`;
  }
  return undefined;
}

const validOptionalPort = (port: string) =>
  port === '' || /^:[0-9]*$/.test(port);

function hostError(host: string): string | undefined {
  let port = '';
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) return "missing ']' in host";
    port = host.slice(end + 1);
  } else if (host.includes(':')) port = host.slice(host.lastIndexOf(':'));
  if (!validOptionalPort(port))
    return `invalid port ${goQuote(port)} after host`;
  return unescapeError(host, true);
}

/** What Go's url.ParseRequestURI says is wrong with `s`, or undefined when it parses. */
function requestUriError(s: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s))
    return 'net/url: invalid control character in URL';
  if (s === '') return 'empty url';
  if (s === '*') return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (s.startsWith(':')) return 'missing protocol scheme';
  let rest = scheme ? s.slice(scheme[0].length) : s;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith('/'))
    return scheme ? undefined : 'invalid URI for request';
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    const error = hostError(authority.slice(at + 1));
    if (error) return error;
    if (
      at >= 0 &&
      !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))
    )
      return 'net/url: invalid userinfo';
  }
  return unescapeError(rest, false);
}

function uri(s: string): string[] {
  const error = requestUriError(s);
  return error ? [`parse ${goQuote(s)}: ${error}`] : [];
}

const UUID =
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Standard base64 with padding: whole groups of four, `=` only at the end. */
function isBase64(s: string): boolean {
  if (s.length === 0 || s.length % 4 !== 0) return false;
  const padding = s.endsWith('==') ? 2 : Number(s.endsWith('='));
  return /^[A-Za-z0-9+/]*$/.test(s.slice(0, s.length - padding));
}

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1];
}

const TIME =
  /^([0-9]{2}):([0-9]{2}):([0-9]{2})([^\n][0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})$/;

/** kube-openapi's date-time check: a full date, "T", a time with seconds and a zone. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = TIME.exec(parts[1]);
  return !!m && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

const check = (test: (s: string) => boolean, message: string) => (s: string) =>
  test(s) ? [] : [message];

/** The formats Kubernetes names, by the names `format.named()` accepts. */
export const FORMATS: Record<string, Format> = {
  dns1123Label: new Format('DNS1123Label', isDns1123Label),
  dns1123Subdomain: new Format('DNS1123Subdomain', s => isDns1123Subdomain(s)),
  dns1035Label: new Format('DNS1035Label', isDns1035Label),
  qualifiedName: new Format('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new Format(
    'DNS1123LabelPrefix',
    prefixed(isDns1123Label),
  ),
  dns1123SubdomainPrefix: new Format(
    'DNS1123SubdomainPrefix',
    prefixed(s => isDns1123Subdomain(s)),
  ),
  dns1035LabelPrefix: new Format(
    'DNS1035LabelPrefix',
    prefixed(isDns1035Label),
  ),
  labelValue: new Format('LabelValue', isLabelValue),
  uri: new Format('URI', uri),
  uuid: new Format(
    'uuid',
    check(s => UUID.test(s), 'does not match the UUID format'),
  ),
  byte: new Format('byte', check(isBase64, 'invalid base64')),
  date: new Format('date', check(isDate, 'invalid date')),
  datetime: new Format('datetime', check(isDateTime, 'invalid datetime')),
};

export function registerFormat(env: Environment): void {
  env
    .registerType('Format', Format)
    .registerType('FormatNamespace', FormatNamespace)
    .registerConstant('format', 'FormatNamespace', new FormatNamespace())
    .registerFunction(
      'FormatNamespace.named(string): optional<Format>',
      (_: unknown, name: string) =>
        Object.hasOwn(FORMATS, name)
          ? Optional.of(FORMATS[name])
          : Optional.none(),
    )
    .registerFunction(
      'Format.validate(string): optional<list<string>>',
      (format: Format, value: string) => {
        const errors = format.validate(value);
        return errors.length ? Optional.of(errors) : Optional.none();
      },
    );
  for (const [name, format] of Object.entries(FORMATS))
    env.registerFunction(`FormatNamespace.${name}(): Format`, () => format);
}
