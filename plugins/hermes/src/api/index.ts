export * from './HermesApi';
export * from './HermesClient';
