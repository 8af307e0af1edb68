import {
  parseSkillDocument,
  readHermesMetadata,
  SkillParseError,
} from './parseSkill';

const valid = `---
name: kyverno-drift-response
description: What to do when an admission policy was changed in the cluster.
metadata:
  hermes:
    tags: [kyverno, drift]
---
# Kyverno drift response

1. Find who changed the policy.
`;

describe('parseSkillDocument', () => {
  it('reads name, description, metadata and body', () => {
    const skill = parseSkillDocument(
      valid,
      'skills/kyverno-drift-response/SKILL.md',
    );
    expect(skill.name).toBe('kyverno-drift-response');
    expect(skill.description).toMatch(/admission policy/);
    expect(skill.metadata).toEqual({ hermes: { tags: ['kyverno', 'drift'] } });
    expect(skill.body).toBe(
      '# Kyverno drift response\n\n1. Find who changed the policy.\n',
    );
  });

  it('accepts Windows line endings', () => {
    const skill = parseSkillDocument(
      valid.replace(/\n/g, '\r\n'),
      'x/SKILL.md',
    );
    expect(skill.name).toBe('kyverno-drift-response');
  });

  it.each([
    ['no front matter', '# Just markdown', /missing YAML front matter/],
    [
      'a name that is too long',
      `---\nname: ${'a'.repeat(65)}\ndescription: d\n---\n`,
      /name: .*64/,
    ],
    [
      'a name with capitals',
      '---\nname: Kyverno\ndescription: d\n---\n',
      /name: must be lowercase/,
    ],
    ['no description', '---\nname: ok\n---\n', /description: /],
    [
      'a description over 1024 characters',
      `---\nname: ok\ndescription: ${'d'.repeat(1025)}\n---\n`,
      /description: .*1024/,
    ],
    [
      'broken YAML',
      '---\nname: ok\ndescription: [unclosed\n---\n',
      /invalid YAML in front matter at line 3/,
    ],
    [
      'an alias bomb',
      `---\nname: ok\ndescription: d\nmetadata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 9 },
        (_, i) =>
          `  ${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ).join('\n')}\n---\n`,
      /invalid YAML in front matter: .*alias/i,
    ],
  ])(
    'rejects %s with a message naming the file and field',
    (_, text, message) => {
      expect(() => parseSkillDocument(text, 'skills/bad/SKILL.md')).toThrow(
        SkillParseError,
      );
      expect(() => parseSkillDocument(text, 'skills/bad/SKILL.md')).toThrow(
        /^skills\/bad\/SKILL\.md: /,
      );
      expect(() => parseSkillDocument(text, 'skills/bad/SKILL.md')).toThrow(
        message,
      );
    },
  );
});

describe('readHermesMetadata', () => {
  it('reads the Hermes lists, accepting one string for a list', () => {
    const skill = parseSkillDocument(
      `---
name: argo-sync
description: d
metadata:
  hermes:
    tags: [argocd, sync]
    entityKinds: Component
    annotations: [argocd/app-name]
    triage: []
---
`,
      'SKILL.md',
    );
    expect(readHermesMetadata(skill)).toEqual({
      tags: ['argocd', 'sync'],
      kinds: [],
      entityKinds: ['Component'],
      annotations: ['argocd/app-name'],
      tools: [],
    });
    expect(skill.metadata.hermes).toHaveProperty('triage', []);
  });

  it('refuses a Hermes field of the wrong type, naming it', () => {
    expect(() =>
      parseSkillDocument(
        '---\nname: ok\ndescription: d\nmetadata:\n  hermes:\n    entityKinds: { a: 1 }\n---\n',
        'SKILL.md',
      ),
    ).toThrow(/^SKILL\.md: metadata\.hermes\.entityKinds: /);
  });
});
