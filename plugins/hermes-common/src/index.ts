/**
 * Isomorphic types and logic shared by the Hermes frontend, backend and CLI.
 *
 * @packageDocumentation
 */
export * from './status';
export * from './time';
export * from './text';
export * from './skills';
export * from './policy';
export * from './policy/checkRequest';
export * from './drift';
export * from './agent';
export * from './tasks';
export * from './learning';
export * from './security';
export * from './permissions';
