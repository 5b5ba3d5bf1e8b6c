export * from './config';
export * from './database';
export * from './embedded-postgres';
export * from './postmaster-pid';
export * from './stores';
export * from './store-providers';
export * from './jwt-keys';
