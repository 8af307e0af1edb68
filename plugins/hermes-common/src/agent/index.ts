export * from './types';
export * from './tokens';
