import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventStoreTarget } from '@tally/event-store';
import { answerOf, ResultsTimeTravel, TimeTravelAnswer, TimeTravelView } from '@tally/read-models';

/** One request: the view of an election's results at a position. */
export interface FoldAsk {
  electionId: string;
  position: number;
  view: TimeTravelView;
}

/** Where time-travel folds run (TIME_TRAVEL_FOLDS_THREAD): the api's own thread, or a worker thread of it. */
export interface TimeTravelFolds {
  /** The answer from a fold kept at exactly that position, at once; undefined when none is kept. */
  kept(ask: FoldAsk): Promise<TimeTravelAnswer | undefined>;
  /** The answer, folding what it must (a fold of the same position under way is shared). */
  fold(ask: FoldAsk): Promise<TimeTravelAnswer>;
  close(): Promise<void>;
}

/** Folds on the api's own thread, through the store the api holds (decorations included). */
export class MainThreadFolds implements TimeTravelFolds {
  constructor(private readonly travel: ResultsTimeTravel) {}

  kept({ electionId, position, view }: FoldAsk): Promise<TimeTravelAnswer | undefined> {
    const kept = this.travel.keptAt(electionId, position);
    return Promise.resolve(kept ? answerOf(kept, view) : undefined);
  }

  async fold({ electionId, position, view }: FoldAsk): Promise<TimeTravelAnswer> {
    return answerOf(await this.travel.fold(electionId, position), view);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the worker is started with. */
export interface FoldWorkerData {
  store: EventStoreTarget;
  /** TIME_TRAVEL_FOLDS_KEPT: the folds the worker keeps. */
  kept: number;
}

export type FoldRequest = ({ kind: 'fold'; id: number; keptOnly: boolean } & FoldAsk) | { kind: 'close' };

export type FoldReply =
  { id: number; answer: TimeTravelAnswer } | { id: number; miss: true } | { id: number; error: string };

/** How long close() lets the worker end its connections before it is stopped. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Folds in a worker thread of this process (time-travel.worker.ts), started at the first request. The worker holds
 * the kept folds and a connection of its own to the event store. If it stops, the requests it had fail (500) and the
 * next request starts a new one.
 */
export class WorkerFolds implements TimeTravelFolds {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: FoldReply | Error) => void>();
  private closed = false;

  constructor(
    private readonly data: FoldWorkerData,
    private readonly onStop: (reason: string) => void = () => undefined,
  ) {}

  async kept(ask: FoldAsk): Promise<TimeTravelAnswer | undefined> {
    const reply = await this.ask(ask, true);
    return 'miss' in reply ? undefined : reply.answer;
  }

  async fold(ask: FoldAsk): Promise<TimeTravelAnswer> {
    const reply = await this.ask(ask, false);
    if ('miss' in reply) throw new Error('The time-travel worker answered a fold as a miss');
    return reply.answer;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'close' } satisfies FoldRequest);
    const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    if ((await Promise.race([exited.then(() => 'exited'), grace])) !== 'exited') await worker.terminate();
  }

  private ask(
    ask: FoldAsk,
    keptOnly: boolean,
  ): Promise<Extract<FoldReply, { answer: unknown } | { miss: true }>> {
    if (this.closed) return Promise.reject(new Error('Time travel is closed: the api is shutting down'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => {
        if (reply instanceof Error) reject(reply);
        else if ('error' in reply) reject(new Error(`Time-travel fold failed: ${reply.error}`));
        else resolve(reply);
      });
      worker.postMessage({ kind: 'fold', id, keptOnly, ...ask } satisfies FoldRequest);
    });
  }

  private start(): Worker {
    // Built (dist/): the worker's .js beside this file. From the sources (tests, ts-node): the .ts, through ts-node.
    const fromSources = __filename.endsWith('.ts');
    const worker = new Worker(join(__dirname, `time-travel.worker.${fromSources ? 'ts' : 'js'}`), {
      workerData: this.data,
      execArgv: fromSources
        ? ['--require', 'ts-node/register/transpile-only', '--require', 'tsconfig-paths/register']
        : [],
    });
    // The process may end without it (a shutdown closes it first; see close()).
    worker.unref();
    worker.on('message', (reply: FoldReply) => {
      const settle = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      settle?.(reply);
    });
    let failure: Error | undefined;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const reason = failure ? failure.message : `exit code ${code}`;
      const stopped = new Error(`The time-travel worker stopped (${reason})`);
      for (const settle of this.pending.values()) settle(stopped);
      this.pending.clear();
      if (!this.closed) this.onStop(reason);
    });
    this.worker = worker;
    return worker;
  }
}
