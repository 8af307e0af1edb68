import { compileCel } from './environment';
import { fromCel } from './values';

const run = (expression: string) =>
  fromCel(compileCel(expression).evaluate({}));

describe('Kubernetes CEL libraries', () => {
  describe.each([
    [
      'strings',
      [
        ["'Hello'.lowerAscii()", 'hello'],
        ["'a,b,c'.split(',')", ['a', 'b', 'c']],
        ["['a', 'b'].join('-')", 'a-b'],
        ["'hello'.indexOf('l')", 2],
        ["'a-b-c'.replace('-', '+')", 'a+b+c'],
        ["'a-b-c'.replace('-', '+', 1)", 'a+b-c'],
        ["'hello'.substring(1, 3)", 'el'],
        ["'  x  '.trim()", 'x'],
        ["'hello'.charAt(1)", 'e'],
        ["'abc'.reverse()", 'cba'],
        [
          "'%s has %d replicas (%.1f%%)'.format(['web', 3, 42.25])",
          'web has 3 replicas (42.3%)',
        ],
        ["strings.quote('a\"b')", '"a\\"b"'],
      ],
    ],
    [
      'lists and sets',
      [
        ['[1, 2, 3].isSorted()', true],
        ['[3, 1].isSorted()', false],
        ['[1, 2, 3].sum()', 6],
        ['[4, 2, 9].min()', 2],
        ["['b', 'a'].max()", 'b'],
        ['[1, 2, 1].indexOf(1)', 0],
        ['[1, 2, 1].lastIndexOf(1)', 2],
        ['[1, 2, 3, 4].slice(1, 3)', [2, 3]],
        ['[[1], [2, 3]].flatten()', [1, 2, 3]],
        ['[1, 1, 2].distinct()', [1, 2]],
        ['[3, 1, 2].sort()', [1, 2, 3]],
        ['lists.range(3)', [0, 1, 2]],
        ['sets.contains([1, 2, 3], [1, 3])', true],
        ['sets.contains([1, 2], [4])', false],
        ['sets.equivalent([1, 2], [2, 1, 1])', true],
        ['sets.intersects([1, 2], [2, 5])', true],
      ],
    ],
    [
      'regex (RE2)',
      [
        ["'abc123'.matches('[0-9]+$')", true],
        ["'ABC'.matches('(?i)abc')", true],
        ["'abc 123 def 456'.find('[0-9]+')", '123'],
        ["'abc'.find('[0-9]+')", ''],
        ["'abc 123 def 456'.findAll('[0-9]+')", ['123', '456']],
        ["'1 2 3'.findAll('[0-9]', 2)", ['1', '2']],
      ],
    ],
    [
      'quantity',
      [
        ["quantity('500m').isLessThan(quantity('1'))", true],
        ["quantity('1Gi').isGreaterThan(quantity('1G'))", true],
        ["quantity('2Gi').compareTo(quantity('2048Mi'))", 0],
        ["quantity('1k').asInteger()", 1000],
        ["quantity('1.5').asApproximateFloat()", 1.5],
        [
          "quantity('1').add(quantity('500m')).isGreaterThan(quantity('1'))",
          true,
        ],
        ["quantity('1').sub(2).sign()", -1],
        ["isQuantity('10Mi')", true],
        ["isQuantity('ten')", false],
      ],
    ],
    [
      'URL',
      [
        [
          "url('https://user@example.com:8443/a%20b?x=1&x=2').getHost()",
          'example.com:8443',
        ],
        ["url('https://example.com:443/x').getPort()", '443'],
        ["url('https://[::1]:80/').getHostname()", '::1'],
        ["url('https://example.com/a%20b').getEscapedPath()", '/a%20b'],
        [
          "url('https://example.com/?x=1&x=2&y=3').getQuery()",
          { x: ['1', '2'], y: ['3'] },
        ],
        ["url('/healthz').getScheme()", ''],
        ["isURL('not a url')", false],
      ],
    ],
    [
      'IP and CIDR',
      [
        ["isIP('10.0.0.1')", true],
        ["isIP('010.0.0.1')", false],
        ["ip('::1').isLoopback()", true],
        ["ip('fe80::1').isLinkLocalUnicast()", true],
        ["ip('8.8.8.8').isGlobalUnicast()", true],
        ["ip('2001:db8::1').family()", 6],
        ["string(ip('2001:0db8:0:0:0:0:0:1'))", '2001:db8::1'],
        ["cidr('10.0.0.0/8').containsIP('10.1.2.3')", true],
        ["cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))", false],
        ["cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true],
        ["string(cidr('10.1.2.3/8').masked())", '10.0.0.0/8'],
        ["cidr('fd00::/64').prefixLength()", 64],
        ["isCIDR('10.0.0.0/33')", false],
      ],
    ],
    [
      'format',
      [
        ["format.dns1123Label().validate('my-name').hasValue()", false],
        ["format.dns1035Label().validate('1abc').value().size()", 1],
        ["format.named('labelValue').hasValue()", true],
        ["format.named('unknown').hasValue()", false],
        [
          "format.uri().validate('relative').value()",
          ['parse "relative": invalid URI for request'],
        ],
      ],
    ],
    [
      'image (Kyverno)',
      [
        ["parseImageReference('nginx').registry()", 'index.docker.io'],
        ["image('nginx:1.27').repository()", 'library/nginx'],
        ["image('ghcr.io/acme/app').tag()", 'latest'],
        ["isImage('ghcr.io/acme/app:v1')", true],
        ["isImage('Not/An/Image')", false],
      ],
    ],
    [
      'json and yaml (Kyverno)',
      [
        ['json.unmarshal(\'{"a": [1]}\').a[0]', 1],
        ["json.marshal({'k': [1, 'v']})", '{"k":[1,"v"]}'],
        ["yaml.parse('k: v').k", 'v'],
      ],
    ],
  ] as Array<[string, Array<[string, unknown]>]>)('%s', (_, cases) => {
    it.each(cases)('%s', (expression, expected) => {
      expect(run(expression)).toEqual(expected);
    });
  });

  it.each([
    ["'abc'.matches('(')", /invalid regular expression/],
    ["quantity('ten')", /quantities must match/],
    ["ip('10.0.0.256')", /parse error/],
    ["url('relative/path')", /absolute/],
    ['[].min()', /empty list/],
    ["image('nginx:')", /could not parse reference: nginx:/],
    ["json.unmarshal('{')", /^json\.unmarshal: /],
    ["format.named('uuid').value().validate(1)", /validate/],
  ])('%s fails with a clear error', (expression, message) => {
    expect(() => run(expression)).toThrow(message);
  });
});

describe('libraries Hermes does not run offline', () => {
  it.each([
    ["x509.decode(object.data['tls.crt']).NotAfter", /calls x509\.decode/],
    [
      "image.getMetadata('nginx').config",
      /calls getMetadata, which needs a registry/,
    ],
    [
      "image.GetMetadata('nginx').config",
      /calls GetMetadata, which needs a registry/,
    ],
  ])('%s is unsupported, naming the function', (expression, reason) => {
    expect(() => compileCel(expression)).toThrow(
      expect.objectContaining({
        name: 'CelUnsupportedError',
        message: expect.stringMatching(reason),
      }),
    );
  });
});
