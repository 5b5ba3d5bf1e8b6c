import type { DataSource } from 'typeorm';
import { ReadRouter } from './read-router';

// Stand-ins for the two databases: the router only picks one, it never queries here.
const primary = { name: 'primary' } as unknown as DataSource;
const replica = { name: 'replica' } as unknown as DataSource;

describe('ReadRouter', () => {
  it('with a replica: reads go to it, usePrimary switches the rest of its scope alone, onPrimary reads the primary', async () => {
    const router = new ReadRouter(primary, replica);
    expect(router.current).toBe(replica);
    const seen: DataSource[] = [];
    await Promise.all([
      router.scope(async () => {
        seen.push(router.current);
        router.usePrimary();
        await Promise.resolve();
        seen.push(router.current);
      }),
      router.scope(async () => {
        await Promise.resolve();
        await Promise.resolve();
        seen.push(router.current);
      }),
    ]);
    // The first scope switched after its first read; the second, interleaved with it, still reads the replica.
    expect(seen).toEqual([replica, primary, replica]);
    expect(await router.onPrimary(async () => router.current)).toBe(primary);
    expect(router.current).toBe(replica);
  });

  it('without a replica: every read is on the primary, and scope and onPrimary enter no async context', async () => {
    const router = new ReadRouter(primary);
    // AsyncLocalStorage.run on Node 20 turns on promise hooks for the whole process from its first call (every
    // promise of every request then pays for them): with one database there is nothing to route, so it is not used.
    const storage = (router as unknown as { routes: { getStore(): unknown } }).routes;
    expect(router.scope(() => storage.getStore())).toBeUndefined();
    expect(await router.onPrimary(async () => storage.getStore())).toBeUndefined();
    router.usePrimary();
    expect(router.current).toBe(primary);
    expect(await router.onPrimary(async () => router.current)).toBe(primary);
  });
});
