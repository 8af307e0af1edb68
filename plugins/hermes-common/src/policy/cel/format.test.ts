import { compileCel } from './environment';
import { fromCel } from './values';

const run = (expression: string) =>
  fromCel(compileCel(expression).evaluate({}));

/** The errors `format.<name>().validate(value)` gives, [] when the value is valid. */
const errors = (format: string, value: string) =>
  run(
    `format.${format}().validate(${JSON.stringify(value)}).orValue([])`,
  ) as string[];

const LABEL_REGEX =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_REGEX =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART_REGEX =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('Kubernetes format library', () => {
  describe.each([
    [
      'dns1123Label',
      [
        ['my-name', []],
        ['123-abc', []],
        ['a'.repeat(63), []],
        ['My_Name', [LABEL_REGEX]],
        ['-name', [LABEL_REGEX]],
        ['', [LABEL_REGEX]],
        ['a.b', ['must not contain dots']],
        ['a'.repeat(64), ['must be no more than 63 characters']],
      ],
    ],
    [
      'dns1123LabelPrefix',
      [
        ['my-name-', []],
        ['-', [LABEL_REGEX]],
        ['My-', [LABEL_REGEX]],
      ],
    ],
    [
      'dns1123Subdomain',
      [
        ['apiextensions.k8s.io', []],
        ['example', []],
        ['Example.com', [SUBDOMAIN_REGEX]],
        ['a..b', [SUBDOMAIN_REGEX]],
        [
          `${'a'.repeat(200)}.${'b'.repeat(60)}`,
          ['must be no more than 253 characters'],
        ],
      ],
    ],
    [
      'dns1123SubdomainPrefix',
      [
        ['my.sub-', []],
        ['my.sub.', [SUBDOMAIN_REGEX]],
      ],
    ],
    [
      'dns1035Label',
      [
        ['my-name', []],
        [
          '123-abc',
          [
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
          ],
        ],
      ],
    ],
    ['dns1035LabelPrefix', [['abc-', []]]],
    [
      'qualifiedName',
      [
        ['MyName', []],
        ['example.com/My.Name', []],
        ['app.kubernetes.io/name', []],
        ['my name', [NAME_PART_REGEX]],
        ['/x', ['prefix part must be non-empty']],
        ['Example.com/x', [`prefix part ${SUBDOMAIN_REGEX}`]],
        ['example.com/', ['name part must be non-empty', NAME_PART_REGEX]],
        ['x'.repeat(64), ['name part must be no more than 63 bytes']],
        [
          'a/b/c',
          [
            "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
          ],
        ],
      ],
    ],
    [
      'labelValue',
      [
        ['', []],
        ['my_value-1.0', []],
        [
          'bad value',
          [
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          ],
        ],
        // Go counts bytes: 32 two-byte characters are 64 bytes.
        [
          'é'.repeat(32),
          expect.arrayContaining(['must be no more than 63 bytes']),
        ],
      ],
    ],
    [
      'uri',
      [
        ['http://example.com', []],
        ['https://user@example.com:8443/a%20b?x=1', []],
        ['/healthz', []],
        ['mailto:ops@example.com', []],
        ['*', []],
        ['foo', ['parse "foo": invalid URI for request']],
        ['', ['parse "": empty url']],
        [':foo', ['parse ":foo": missing protocol scheme']],
        [
          'http://exa mple.com/',
          ['parse "http://exa mple.com/": invalid character " " in host name'],
        ],
        [
          'http://example.com:80a/',
          ['parse "http://example.com:80a/": invalid port ":80a" after host'],
        ],
        ['/a%zzb', ['parse "/a%zzb": invalid URL escape "%zz"']],
        ['http://[::1/', ['parse "http://[::1/": missing \']\' in host']],
        [
          '/a\nb',
          ['parse "/a\\nb": net/url: invalid control character in URL'],
        ],
      ],
    ],
    [
      'uuid',
      [
        ['123e4567-e89b-12d3-a456-426614174000', []],
        ['123E4567E89B12D3A456426614174000', []],
        ['123e4567-e89b-12d3-a456', ['does not match the UUID format']],
      ],
    ],
    [
      'byte',
      [
        ['aGVsbG8=', []],
        ['aGk=', []],
        ['aGVsbG8h', []],
        ['aGVsbG8', ['invalid base64']],
        ['', ['invalid base64']],
        ['a=Vs', ['invalid base64']],
        ['aGVsbG8-', ['invalid base64']],
      ],
    ],
    [
      'date',
      [
        ['2021-01-01', []],
        ['2024-02-29', []],
        ['2023-02-29', ['invalid date']],
        ['2021-13-01', ['invalid date']],
        ['2021-1-01', ['invalid date']],
        ['2021-01-01T00:00:00Z', ['invalid date']],
      ],
    ],
    [
      'datetime',
      [
        ['2021-01-01T00:00:00Z', []],
        ['2021-01-01t23:59:59.123+02:00', []],
        ['2021-01-01T25:00:00Z', ['invalid datetime']],
        ['2021-01-01T00:00:00', ['invalid datetime']],
        ['2021-01-01 00:00:00Z', ['invalid datetime']],
        ['2021-02-30T00:00:00Z', ['invalid datetime']],
      ],
    ],
  ] as Array<[string, Array<[string, unknown]>]>)(
    'format.%s().validate',
    (format, cases) => {
      it.each(cases)('%j', (value, expected) => {
        expect(errors(format, value)).toEqual(expected);
      });
    },
  );

  it.each([
    ["format.named('dns1123Label').hasValue()", true],
    [
      "format.named('uuid').value().validate('x').value()",
      ['does not match the UUID format'],
    ],
    ["format.named('email').hasValue()", false],
    ["format.named('DNS1123Label').hasValue()", false],
    // The documented message idiom: join the errors when there are any.
    [
      "format.dns1123Label().validate('Bad.Name').orValue([]).join('; ')",
      LABEL_REGEX,
    ],
    ["!format.labelValue().validate('ok').hasValue()", true],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it('rejects a format used with the wrong argument type at compile time', () => {
    expect(() => compileCel('format.uuid().validate(1)')).toThrow(
      /compilation error/,
    );
  });
});
