export { PostgresScanStore } from './postgres-scan-store';
export { migratePostgresScanStore } from './postgres-scan-migrations';
