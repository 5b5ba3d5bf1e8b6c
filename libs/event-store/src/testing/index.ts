export {
  describeEventStoreContract,
  type EventStoreContractOptions,
  type EventStoreContractSubject,
  type OpenAppend,
} from './event-store.contract';
export { anEvent, collect, expectStrictlyIncreasing, someEvents, uniquePrefix } from './contract-helpers';
