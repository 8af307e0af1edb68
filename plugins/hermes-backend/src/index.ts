/**
 * The Hermes backend plugin: a self-improving operations agent for Backstage.
 *
 * @packageDocumentation
 */
export { hermesPlugin as default } from './plugin';
