export * from './findSecrets';
