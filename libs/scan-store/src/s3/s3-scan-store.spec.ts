import { randomUUID } from 'node:crypto';
import { describeScanStoreContract } from '../testing/scan-store.contract';
import { S3ScanStore } from './s3-scan-store';

/**
 * Runs the shared contract against a real S3-compatible server when one is configured, for example MinIO from
 * docker-compose.yml: `docker compose up -d minio` then
 * `S3_ENDPOINT=http://localhost:9000 S3_ACCESS_KEY_ID=tally S3_SECRET_ACCESS_KEY=tally-scans npx jest s3-scan-store`.
 * Each run writes under a prefix of its own in S3_BUCKET (default tally-ledger-scans).
 */
const endpoint = process.env.S3_ENDPOINT;

if (endpoint) {
  describeScanStoreContract('s3', async () => {
    const store = new S3ScanStore({
      endpoint,
      region: process.env.S3_REGION ?? 'us-east-1',
      bucket: process.env.S3_BUCKET ?? 'tally-ledger-scans',
      accessKeyId: process.env.S3_ACCESS_KEY_ID,
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== 'false',
      prefix: `contract-${randomUUID()}/`,
    });
    return { store, dispose: () => store.close() };
  });
} else {
  describe.skip('ScanStore contract: s3', () => {
    beforeAll(() => undefined);
    it('needs S3_ENDPOINT', () => undefined);
  });
  const notice =
    'SKIPPED: S3 scan-store contract suite — set S3_ENDPOINT=http://localhost:9000 (MinIO: docker compose up -d minio) with S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY to run it';
  console.log(notice);
  // Jest drops buffered console output of a suite with no test run when several workers run; stderr goes through.
  process.stderr.write(`\n${notice}\n`);
}
