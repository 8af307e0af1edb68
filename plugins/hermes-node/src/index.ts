/**
 * Node library for Hermes backend modules: extension points and shared backend helpers.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './policySources';
