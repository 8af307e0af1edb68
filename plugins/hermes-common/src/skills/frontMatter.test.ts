import { splitSkillDocument } from './frontMatter';

describe('splitSkillDocument', () => {
  it.each([
    {
      name: 'front matter, then the body after the closing line',
      document: '---\nname: a\ndescription: b\n---\n# Title\n',
      expected: { frontMatter: 'name: a\ndescription: b', body: '# Title\n' },
    },
    {
      name: 'a byte order mark and Windows line endings',
      document: '\uFEFF---\r\nname: a\r\n---\r\nBody',
      expected: { frontMatter: 'name: a', body: 'Body' },
    },
    {
      name: 'a closing line at the end of the document: empty body',
      document: '---\nname: a\n---',
      expected: { frontMatter: 'name: a', body: '' },
    },
    {
      name: 'no opening line: all body',
      document: '# Title\n---\nname: a\n---\n',
      expected: { body: '# Title\n---\nname: a\n---\n' },
    },
    {
      name: 'no closing line: all body',
      document: '---\nname: a\n# Title\n',
      expected: { body: '---\nname: a\n# Title\n' },
    },
  ])('$name', ({ document, expected }) => {
    expect(splitSkillDocument(document)).toEqual(expected);
  });
});
