import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { scanDigest, ScanStore, StoredScan } from '../scan-store.port';

export interface S3ScanStoreOptions {
  /** e.g. http://localhost:9000 for MinIO; unset for AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Bucket in the path (http://host/bucket/key), as MinIO and most S3-compatible servers expect. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket. */
  prefix?: string;
}

/** Scans as objects `<prefix><digest>` in an S3-compatible bucket (MinIO, AWS S3, Ceph, R2…). */
export class S3ScanStore extends ScanStore {
  readonly name = 's3' as const;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3ScanStoreOptions) {
    super();
    this.prefix = options.prefix ?? 'scans/';
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
    });
  }

  /** Creates the bucket when it does not exist yet (a fresh MinIO); an existing one is left as it is. */
  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode !== 404) throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.options.bucket }));
    }
  }

  async put(bytes: Buffer, contentType: string): Promise<{ digest: string; size: number }> {
    const digest = scanDigest(bytes);
    // The server checks the SHA-256 it receives against the bytes, so a corrupted upload is refused, not stored.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(digest),
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.length,
        ChecksumSHA256: Buffer.from(digest, 'hex').toString('base64'),
      }),
    );
    return { digest, size: bytes.length };
  }

  async get(digest: string): Promise<StoredScan | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(digest) }),
      );
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      return {
        digest,
        contentType: object.ContentType ?? 'application/octet-stream',
        size: bytes.length,
        bytes,
      };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private key(digest: string): string {
    return `${this.prefix}${digest}`;
  }
}
