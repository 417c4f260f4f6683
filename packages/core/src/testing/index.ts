export * from './adversarial';
export * from './config-defaults';
export * from './engine-contract';
export * from './fixtures';
export * from './job-queue-contract';
export * from './server-process';
export * from './storage-contract';
