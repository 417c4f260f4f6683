export * from './temporal/test-temporal';
export * from './tenancy-contract';
