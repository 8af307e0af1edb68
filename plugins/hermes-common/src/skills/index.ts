export * from './parseSkill';
