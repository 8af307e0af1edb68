export * from './types';
export * from './tokens';
export * from './answers';
