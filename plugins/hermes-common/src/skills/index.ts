export * from './parseSkill';
export * from './library';
