import { createHash, randomBytes } from 'node:crypto';
import { ScanStore } from '../scan-store.port';

export interface ScanStoreFixture {
  store: ScanStore;
  dispose(): Promise<void>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A few kilobytes that start like a JPEG; random, so every test stores bytes of its own. */
const jpeg = (size = 4096) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);

/** One suite, run against every adapter: PostgreSQL always, S3 when S3_ENDPOINT names a server. */
export function describeScanStoreContract(name: string, open: () => Promise<ScanStoreFixture>): void {
  describe(`ScanStore contract: ${name}`, () => {
    let fixture: ScanStoreFixture;
    let store: ScanStore;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
      await store.init();
    });
    afterAll(() => fixture?.dispose());

    it('is named after its adapter', () => {
      expect(store.name).toBe(name);
    });

    it('stores bytes under their SHA-256 and gives them back identical, with their type', async () => {
      const bytes = jpeg();
      const put = await store.put(bytes, 'image/jpeg');
      expect(put).toEqual({ digest: sha256(bytes), size: bytes.length });
      const got = await store.get(put.digest);
      expect(got?.digest).toBe(put.digest);
      expect(got?.contentType).toBe('image/jpeg');
      expect(got?.size).toBe(bytes.length);
      expect(Buffer.compare(got!.bytes, bytes)).toBe(0);
    });

    it('keeps every byte value, NUL and 0xFF included', async () => {
      const bytes = Buffer.concat([
        Buffer.from('%PDF-'),
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      ]);
      const { digest } = await store.put(bytes, 'application/pdf');
      expect(Buffer.compare((await store.get(digest))!.bytes, bytes)).toBe(0);
    });

    it('answers undefined for a digest it does not hold', async () => {
      expect(await store.get(sha256(randomBytes(16)))).toBeUndefined();
    });

    it('storing the same bytes again is a no-op with the same address, even concurrently', async () => {
      const bytes = jpeg();
      const results = await Promise.all([1, 2, 3, 4].map(() => store.put(bytes, 'image/jpeg')));
      expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha256(bytes)]));
      expect(Buffer.compare((await store.get(sha256(bytes)))!.bytes, bytes)).toBe(0);
    });

    it('keeps different bytes apart', async () => {
      const a = jpeg();
      const b = jpeg();
      const [pa, pb] = await Promise.all([store.put(a, 'image/jpeg'), store.put(b, 'image/jpeg')]);
      expect(pa.digest).not.toBe(pb.digest);
      expect(Buffer.compare((await store.get(pa.digest))!.bytes, a)).toBe(0);
      expect(Buffer.compare((await store.get(pb.digest))!.bytes, b)).toBe(0);
    });

    it('holds a file at the default size limit (10 MB)', async () => {
      const bytes = jpeg(10 * 1024 * 1024);
      const { digest } = await store.put(bytes, 'image/jpeg');
      const got = await store.get(digest);
      expect(got?.size).toBe(bytes.length);
      expect(sha256(got!.bytes)).toBe(digest);
    });

    it('init is idempotent', async () => {
      await store.init();
      await store.init();
    });
  });
}
