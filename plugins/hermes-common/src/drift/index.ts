export * from './types';
export * from './audit';
export * from './triage';
export * from './report';
export * from './desired';
export { attributeField, classifyManager } from './managedFields';
export type { ManagedFieldsEntry } from './managedFields';
export * from './entities';
export * from './auditEvents';
