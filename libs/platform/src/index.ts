export * from './config';
export * from './database';
export * from './embedded-postgres';
export * from './stores';
export * from './store-providers';
export * from './jwt-keys';
export * from './checkpoint-keys';
