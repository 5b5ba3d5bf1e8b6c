/**
 * The time-travel worker thread: folds the election's events up to a position with the live projection's code
 * (ResultsTimeTravel) and answers the view asked for, so that the api's own thread, which answers submissions, never
 * runs a fold. Its connection to the event store is its own (WorkerFolds starts it with the store's target).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectEventStore } from '@tally/event-store';
import { answerOf, ResultsTimeTravel } from '@tally/read-models';
import type { FoldReply, FoldRequest, FoldWorkerData } from './time-travel-folds';

const port = parentPort!;
const data = workerData as FoldWorkerData;
const store = connectEventStore(data.store);
const travel = new ResultsTimeTravel(store, undefined, undefined, undefined, data.kept);

async function answer(request: Extract<FoldRequest, { kind: 'fold' }>): Promise<FoldReply> {
  const { id, electionId, position, view, keptOnly } = request;
  if (keptOnly) {
    const kept = travel.keptAt(electionId, position);
    return kept ? { id, answer: answerOf(kept, view) } : { id, miss: true };
  }
  return { id, answer: answerOf(await travel.fold(electionId, position), view) };
}

port.on('message', (request: FoldRequest) => {
  if (request.kind === 'close') {
    // The pool's connections end, then the thread has nothing left to run and stops.
    void store.close().finally(() => port.close());
    return;
  }
  void answer(request)
    .catch((error: unknown): FoldReply => ({ id: request.id, error: messageOf(error) }))
    .then((reply) => {
      try {
        port.postMessage(reply);
      } catch (error) {
        // An answer that cannot cross (it never should: answers are plain data) is an error of its request alone.
        port.postMessage({ id: request.id, error: messageOf(error) } satisfies FoldReply);
      }
    });
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
