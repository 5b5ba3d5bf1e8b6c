import { FoldGate, FoldGateFull } from './fold-gate';

/** A fold the test finishes by hand, recording when it started. */
function heldFold(started: string[], key: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    run: () => {
      started.push(key);
      return done;
    },
    finish: () => finish(`folded ${key}`),
    fail: (error: Error) => fail(error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FoldGate', () => {
  it('runs at most atOnce folds, lets `waiting` more wait in arrival order, and refuses the rest', async () => {
    const gate = new FoldGate<string>(2, 2);
    const started: string[] = [];
    const folds = ['a', 'b', 'c', 'd'].map((key) => heldFold(started, key));
    const answers = folds.map((fold, i) => gate.run(['a', 'b', 'c', 'd'][i], fold.run));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect([gate.running, gate.waiting]).toEqual([2, 2]);

    expect(() => gate.run('e', () => Promise.resolve('e'))).toThrow(FoldGateFull);
    expect(gate.refused).toBe(1);

    folds[1].finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect([gate.running, gate.waiting]).toEqual([2, 1]);
    // A place is free in the queue again.
    const late = gate.run('e', () => Promise.resolve('folded e'));

    folds[0].finish();
    folds[2].finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    folds[3].finish();
    expect(await Promise.all([...answers, late])).toEqual([
      'folded a',
      'folded b',
      'folded c',
      'folded d',
      'folded e',
    ]);
    expect([gate.running, gate.waiting, gate.refused]).toEqual([0, 0, 1]);
  });

  it('shares the fold of a key asked again while it runs or waits, and folds it anew afterwards', async () => {
    const gate = new FoldGate<string>(1, 0);
    const started: string[] = [];
    const first = heldFold(started, 'p');
    const one = gate.run('p', first.run);
    // Full (1 running, 0 waiting), yet the same key is no new fold: it shares the running one.
    const again = gate.run('p', () => Promise.reject(new Error('folded twice')));
    expect(again).toBe(one);
    expect(() => gate.run('q', () => Promise.resolve('q'))).toThrow(FoldGateFull);
    first.finish();
    expect(await Promise.all([one, again])).toEqual(['folded p', 'folded p']);

    const later = heldFold(started, 'p');
    const third = gate.run('p', later.run);
    later.finish();
    expect(await third).toBe('folded p');
    expect(started).toEqual(['p', 'p']);
  });

  it('frees the place of a fold that fails, and hands the failure to everyone sharing it', async () => {
    const gate = new FoldGate<string>(1, 1);
    const started: string[] = [];
    const failing = heldFold(started, 'x');
    const one = gate.run('x', failing.run);
    const shared = gate.run('x', () => Promise.resolve('never'));
    const next = gate.run('y', () => Promise.resolve('folded y'));
    failing.fail(new Error('the store went away'));
    await expect(one).rejects.toThrow('the store went away');
    await expect(shared).rejects.toThrow('the store went away');
    expect(await next).toBe('folded y');
    expect([gate.running, gate.waiting]).toEqual([0, 0]);

    const thrower = gate.run('z', () => {
      throw new Error('thrown at once');
    });
    await expect(thrower).rejects.toThrow('thrown at once');
    expect(gate.running).toBe(0);
  });

  it('refuses nonsense limits', () => {
    expect(() => new FoldGate(0, 1)).toThrow(RangeError);
    expect(() => new FoldGate(1, -1)).toThrow(RangeError);
    expect(() => new FoldGate(1.5, 1)).toThrow(RangeError);
  });
});
