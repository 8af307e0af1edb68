import { describeSecrets, findSecrets, redactSecrets } from './findSecrets';

describe('findSecrets', () => {
  it.each([
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE...'],
    ['AWS access key id', 'aws key AKIAIOSFODNN7EXAMPLE here'],
    ['GitHub token', `token ghp_${'a1B2'.repeat(9)}`],
    ['GitLab token', 'glpat-abcdefghij0123456789'],
    ['Slack token', 'xoxb-123456789012-abcdefABCDEF'],
    ['OpenAI-style API key', 'OPENAI=sk-proj-abcdefghijklmnopqrstuvwx'],
    [
      'JSON web token',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    [
      'bearer token',
      'curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012"',
    ],
    ['password in a URL', 'postgres://admin:s3cretpw@db.internal:5432/app'],
    ['value of "DB_PASSWORD"', 'DB_PASSWORD=Xk9#mP2qL7vR'],
  ])('finds a %s', (kind, text) => {
    expect(findSecrets(text).map(f => f.kind)).toContain(kind);
  });

  it.each([
    'Scale the knative autoscaler back to minScale: 1 and commit to Git.',
    'password: <from the vault>',
    'token: ${GITHUB_TOKEN}',
    'apiKey: changeme',
    'The secret "model-store-creds" in namespace serving holds the key.',
    'passwordPolicy: enforced',
  ])('leaves ordinary runbook text alone: %s', text => {
    expect(findSecrets(text)).toEqual([]);
  });

  it('names kind and line without repeating the whole value', () => {
    const message = describeSecrets(
      'step 1\nuse ghp_0123456789abcdefghij0123456789abcdef to clone',
      'the note',
    );
    expect(message).toContain('a GitHub token on line 2');
    expect(message).not.toContain('0123456789abcdef');
    expect(describeSecrets('nothing here', 'the note')).toBeUndefined();
  });

  it('redacts credentials from text it keeps, leaving the rest', () => {
    expect(
      redactSecrets(
        'clone with ghp_0123456789abcdefghij0123456789abcdef then DB_PASSWORD=Xk9#mP2qL7vR and retry',
      ),
    ).toBe(
      'clone with [redacted GitHub token] then DB_PASSWORD=[redacted value of "DB_PASSWORD"] and retry',
    );
  });

  it('redacts a whole private key, not only its first line', () => {
    const key = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBkZXBsb3kta2V5LWZvci1odWJibGUtMDAwMDAwMDAwMDAwMAAAAJgAAAAA',
      '-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    expect(redactSecrets(`deploy with\n${key}\nthen push`)).toBe(
      'deploy with\n[redacted private key]\nthen push',
    );
    // Cut short (pasted in part), the body that follows the header goes too.
    expect(redactSecrets(`${key.split('\n').slice(0, 3).join('\n')}`)).toBe(
      '[redacted private key]',
    );
  });

  // Each is 100,000 characters built so that a backtracking pattern rescans it from every
  // word boundary; the scanner runs on every chat message and conversation, so it must not.
  it.each([
    ['dotted words', 'a.'.repeat(50_000)],
    ['hyphenated words', 'a-'.repeat(50_000)],
    ['JWT-looking segments', 'eyJaaaaaaaaaa.'.repeat(7_143)],
    ['repeated key prefixes', 'sk-'.repeat(33_333)],
    ['a credential word repeated', 'passwordpassword'.repeat(6_250)],
    ['dotted credential words', 'password.'.repeat(11_111)],
    ['URL schemes', 'a+b://'.repeat(16_666)],
  ])('scans %s in linear time', (_, text) => {
    const started = Date.now();
    findSecrets(text);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('redacts many credentials in one pass', () => {
    const token = 'ghp_0123456789abcdefghij0123456789abcdef';
    const text = `${token} `.repeat(20_000);
    const started = Date.now();
    const redacted = redactSecrets(text);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(redacted).toBe('[redacted GitHub token] '.repeat(20_000));
  });
});
