export * from './findSecrets';
export * from './fence';
