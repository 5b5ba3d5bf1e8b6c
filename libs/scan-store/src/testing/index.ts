export * from './scan-store.contract';
