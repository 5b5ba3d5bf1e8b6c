export { S3ScanStore, type S3ScanStoreOptions } from './s3-scan-store';
