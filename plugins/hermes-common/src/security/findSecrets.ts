/** A credential found in text meant for memory or a skill. @public */
export interface SecretFinding {
  /** What kind of credential it looks like, e.g. "GitHub token". */
  kind: string;
  /** Where it starts in the text (0-based), and how long it is. */
  index: number;
  length: number;
  /** The first characters only, so the error can point at it without repeating it. */
  preview: string;
}

// Shapes with a recognisable prefix or frame; each is specific enough to refuse on sight.
// Every pattern runs on whole conversations, so each must scan in linear time: a shape whose
// body can repeat its own prefix (`sk-sk-…`, `a.b.c…://`) starts only where a run of its
// characters starts (a lookbehind), never at every word boundary inside the run.
const PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  {
    kind: 'private key',
    // The header, the body (base64 and PEM headers, up to the next five dashes) and the footer.
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.]|-(?!----))*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  {
    kind: 'GitHub token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g,
  },
  {
    kind: 'GitLab token',
    pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g,
  },
  {
    kind: 'Slack token',
    pattern: /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g,
  },
  {
    kind: 'Slack webhook URL',
    pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
  },
  {
    kind: 'OpenAI-style API key',
    pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g,
  },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    kind: 'JSON web token',
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  },
  {
    kind: 'bearer token',
    pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g,
  },
  {
    kind: 'password in a URL',
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s:/@]{3,}@/gi,
  },
];

// `password: hunter2`, `api_key="..."`: a credential-named key with a literal value. The key
// is a whole run of name characters (at most 100) and is checked for a credential word apart,
// so no run is rescanned from each of its positions.
// Placeholders (`<token>`, `${TOKEN}`, `***`, `changeme`) are not secrets.
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,100})\s*[:=]\s*["']?([^\s"',;]{8,})/g;
const CREDENTIAL_NAME =
  /password|passwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret/i;
const PLACEHOLDER =
  /^(?:<.*>|\$\{.*\}|\$\(.*\)|\{\{.*\}\}|\*+|x+|\.\.\.|changeme|redacted|example.*|your[_-].*|none|null|true|false)$/i;

function looksRandom(value: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(c =>
    c.test(value),
  ).length;
  return classes >= 2 && new Set(value).size >= 6;
}

/**
 * Credentials in `text` (keys, tokens, passwords). Hermes refuses to store text that has any:
 * memory and skills are read back into prompts and shown to other people.
 * @public
 */
export function findSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  const preview = (s: string) => `${s.slice(0, 6)}…`;
  for (const { kind, pattern } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({
        kind,
        index: match.index ?? 0,
        length: match[0].length,
        preview: preview(match[0]),
      });
    }
  }
  // Where the shapes above start, to skip an assignment whose value is one of them.
  const starts = new Set(found.map(f => f.index));
  for (const match of text.matchAll(ASSIGNMENT)) {
    const value = match[2];
    if (!CREDENTIAL_NAME.test(match[1])) continue;
    if (PLACEHOLDER.test(value) || !looksRandom(value)) continue;
    const index = (match.index ?? 0) + match[0].lastIndexOf(value);
    let near = false;
    for (let i = index - 7; i < index + 8 && !near; i++) near = starts.has(i);
    if (near) continue;
    found.push({
      kind: `value of "${match[1]}"`,
      index,
      length: value.length,
      preview: preview(value),
    });
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Throws-ready message for text that contains credentials, naming each kind and its line, or
 * undefined when the text is clean.
 * @public
 */
export function describeSecrets(
  text: string,
  where: string,
): string | undefined {
  const found = findSecrets(text);
  if (found.length === 0) return undefined;
  const line = (index: number) => text.slice(0, index).split('\n').length;
  return `Refused to store ${where}: it contains ${found
    .map(f => `a ${f.kind} on line ${line(f.index)} ("${f.preview}")`)
    .join(
      ', ',
    )}. Remove credentials and refer to where they are kept instead (e.g. the Secret's name).`;
}

/**
 * `text` with every credential replaced by `[redacted <kind>]`, for text Hermes keeps without
 * being able to refuse it (a conversation someone pasted a token into).
 * @public
 */
export function redactSecrets(text: string): string {
  const found = findSecrets(text);
  if (found.length === 0) return text;
  // One pass from the start; a finding overlapping one already replaced joins it.
  const pieces: string[] = [];
  let at = 0;
  for (const f of found) {
    if (f.index < at) {
      at = Math.max(at, f.index + f.length);
      continue;
    }
    pieces.push(text.slice(at, f.index), `[redacted ${f.kind}]`);
    at = f.index + f.length;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}
