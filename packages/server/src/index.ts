export * from './main';
export * from './providers';
export * from './server';
export * from './settings';
