export * from './documents';
export * from './policies';
export * from './engine';
export * from './kyvernoTest';
export type { RuleStatus, FailureAction, KyvernoRule } from './types';
export type { Operation } from './match';
export * from './report';
export * from './exemptions';
