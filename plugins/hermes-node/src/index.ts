/**
 * Node library for modules that extend the Hermes backend.
 *
 * @packageDocumentation
 */
export * from './extensions';
