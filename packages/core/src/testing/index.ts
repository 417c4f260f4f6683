export * from './config-defaults';
export * from './engine-contract';
export * from './fixtures';
export * from './storage-contract';
