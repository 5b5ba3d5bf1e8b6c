/** The single entry of the scan-store library. */
export * from './scan-store.port';
export * from './postgres';
export * from './s3';
