import type { EventSubscription, ReadAllOptions, StoredEvent, SubscribeOptions } from '@tally/event-store';
import { ForwardingEventStore } from './forwarding-store';

/**
 * The real store, counting what the runner reads through the port: subscriptions opened, readAll calls, and every
 * event handed out (delivered by a subscription or returned by readAll).
 */
export class CountingStore extends ForwardingEventStore {
  subscriptions = 0;
  readAllCalls = 0;
  eventsRead = 0;

  reset(): void {
    this.subscriptions = 0;
    this.readAllCalls = 0;
    this.eventsRead = 0;
  }

  override subscribeToAll(options?: SubscribeOptions): EventSubscription {
    this.subscriptions++;
    const inner = this.inner.subscribeToAll(options);
    return {
      nextBatch: async (max: number) => {
        const batch = await inner.nextBatch(max);
        this.eventsRead += batch.length;
        return batch;
      },
      close: () => inner.close(),
      [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
    };
  }

  override async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.readAllCalls++;
    const events = await this.inner.readAll(options);
    this.eventsRead += events.length;
    return events;
  }
}
