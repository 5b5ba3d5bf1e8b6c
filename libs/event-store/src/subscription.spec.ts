import type { StoredEvent } from './event-store.port';
import { BufferedSubscription } from './subscription';

function eventAt(position: number): StoredEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: 'T',
    data: {},
    metadata: {},
    streamId: 's',
    revision: position,
    position,
    recordedAt: new Date(0),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BufferedSubscription', () => {
  it('holds the producer back once the buffer is full, and releases it as the consumer reads', async () => {
    let pushed = 0;
    const subscription = new BufferedSubscription(
      async (sink) => {
        for (let position = 0; position < 100; position += 1) {
          pushed += 1;
          if (!(await sink.push([eventAt(position)]))) return;
        }
      },
      { capacity: 10 },
    );
    for (let i = 0; i < 5; i += 1) await tick();
    expect(pushed).toBe(10);

    const first = await subscription.nextBatch(4);
    expect(first.map((e) => e.position)).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 5; i += 1) await tick();
    expect(pushed).toBe(14);
    await subscription.close();
  });

  it('delivers buffered events before the producer failure, then rethrows it', async () => {
    const subscription = new BufferedSubscription(async (sink) => {
      await sink.push([eventAt(0), eventAt(1)]);
      throw new Error('connection lost');
    });
    expect((await subscription.nextBatch(10)).map((e) => e.position)).toEqual([0, 1]);
    await expect(subscription.nextBatch(10)).rejects.toThrow('connection lost');
    await subscription.close();
  });

  it('stops the producer and runs onClose once when closed', async () => {
    let onClose = 0;
    let producerSawAbort = false;
    const subscription = new BufferedSubscription(
      async (sink) => {
        await new Promise<void>((resolve) => sink.signal.addEventListener('abort', () => resolve()));
        producerSawAbort = true;
      },
      { onClose: () => void (onClose += 1) },
    );
    const waiting = subscription.nextBatch(5);
    await tick();
    await Promise.all([subscription.close(), subscription.close()]);
    expect(await waiting).toEqual([]);
    expect(producerSawAbort).toBe(true);
    expect(onClose).toBe(1);
  });

  it('never starts the producer when closed before it ran', async () => {
    let started = false;
    const subscription = new BufferedSubscription(async () => {
      started = true;
    });
    await subscription.close();
    expect(started).toBe(false);
  });

  it('iterates events across batches and ends when the producer ends', async () => {
    const subscription = new BufferedSubscription(
      async (sink) => {
        for (let position = 0; position < 7; position += 1) await sink.push([eventAt(position)]);
      },
      { capacity: 3 },
    );
    const positions: number[] = [];
    for await (const event of subscription) positions.push(event.position);
    expect(positions).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
