export * from './frontMatter';
export * from './parseSkill';
export * from './library';
