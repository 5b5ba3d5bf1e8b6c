export * from './event-store.port';
export {
  BufferedSubscription,
  type BufferedSubscriptionOptions,
  DEFAULT_SUBSCRIPTION_CAPACITY,
  type SubscriptionProducer,
  type SubscriptionSink,
} from './subscription';
export * from './postgres';
export * from './kurrentdb';
export { connectEventStore, type EventStoreTarget } from './connect';
