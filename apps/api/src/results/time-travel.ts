import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, eventStoreTarget } from '@tally/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import {
  CityResults,
  DistrictResults,
  ResultsTimeTravel,
  SingleDistrictResult,
  TimeIndexQueries,
  TimeTravelAnswer,
  TimeTravelView,
  viewKey,
} from '@tally/read-models';
import { DataSource } from 'typeorm';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { ElectionCatalog } from '../elections/election-catalog';
import { HttpProblem, RequestValidationProblem } from '../http/problem';
import { StrictInt } from '../http/validators/strict-int.transform';
import { APP_CONFIG, APP_RUNTIME, AppRuntime } from '../infrastructure/runtime';
import { FoldGate, FoldGateFull } from './fold-gate';
import { FoldAsk, MainThreadFolds, TimeTravelFolds, WorkerFolds } from './time-travel-folds';
import { MinPositionQuery } from './results.query-params';

export class ResultsQuery extends MinPositionQuery {
  @ApiPropertyOptional({
    description:
      'Time travel: the results as they stood at this instant (ISO 8601 with Z or an offset), i.e. after the last event recorded at or before it',
    example: '2021-05-23T20:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: '$property must carry a time zone (Z or ±hh:mm)' })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Only this contest (e.g. `na`): a national answer is far smaller' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: '$property must be a contest id' })
  contest?: string;

  @ApiPropertyOptional({ description: 'Time travel: the results right after this global position' })
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  atPosition?: number;
}

/** The worker's connections show this as their application_name (pg_stat_activity): time travel, not ingest. */
export const TIME_TRAVEL_APPLICATION_NAME = 'tally-time-travel';

function withApplicationName(databaseUrl: string, name: string): string {
  try {
    const url = new URL(databaseUrl);
    url.searchParams.set('application_name', name);
    return url.toString();
  } catch {
    return databaseUrl;
  }
}

/** Retry-After of 503 TIME_TRAVEL.BUSY: about what a cold fold of a national night takes. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `?asOf=` / `?atPosition=` on the results endpoints: the election's events up to that point, folded in memory by the
 * live projection's code (libs/read-models/src/time-travel). 404 RESULTS.NOT_FOUND when the election was not defined
 * yet at that point; 503 TIME_TRAVEL.BUSY (Retry-After) when this process already runs and queues all the folds it
 * may (FoldGate).
 */
@Injectable()
export class TimeTravel implements OnApplicationShutdown {
  private readonly logger = new Logger('time-travel');
  /** Resolves ?asOf= to a position (on this thread: a few small queries). */
  private readonly travel: ResultsTimeTravel;
  /** Where the folds run: a worker thread (TIME_TRAVEL_FOLDS_THREAD=worker, the default) or this thread. */
  private readonly folds: TimeTravelFolds;
  /** The cold folds of this process: TIME_TRAVEL_FOLDS_AT_ONCE run, TIME_TRAVEL_FOLDS_WAITING wait, the rest 503. */
  readonly gate: FoldGate<TimeTravelAnswer>;

  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_RUNTIME) runtime: AppRuntime,
  ) {
    const inWorker = config.TIME_TRAVEL_FOLDS_THREAD === 'worker';
    this.travel = new ResultsTimeTravel(
      eventStore,
      undefined,
      undefined,
      new TimeIndexQueries(dataSource),
      inWorker ? 0 : config.TIME_TRAVEL_FOLDS_KEPT,
    );
    this.folds = inWorker
      ? new WorkerFolds(
          {
            // One connection per fold that may run at once: a fold reads one page ahead of the one it folds.
            store: {
              ...eventStoreTarget(
                config,
                withApplicationName(runtime.databaseUrl, TIME_TRAVEL_APPLICATION_NAME),
              ),
              poolSize: config.TIME_TRAVEL_FOLDS_AT_ONCE,
            },
            kept: config.TIME_TRAVEL_FOLDS_KEPT,
          },
          (reason) =>
            this.logger.error(`The time-travel worker stopped (${reason}); the next request starts another`),
        )
      : new MainThreadFolds(this.travel);
    this.gate = new FoldGate(config.TIME_TRAVEL_FOLDS_AT_ONCE, config.TIME_TRAVEL_FOLDS_WAITING);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.folds.close();
  }

  requested(query: ResultsQuery): boolean {
    return query.asOf !== undefined || query.atPosition !== undefined;
  }

  async city(electionId: string, query: ResultsQuery): Promise<CityResults> {
    return (await this.answer(electionId, query, { kind: 'city', contestId: query.contest })) as CityResults;
  }

  async districts(electionId: string, query: ResultsQuery): Promise<DistrictResults> {
    return (await this.answer(electionId, query, { kind: 'districts' })) as DistrictResults;
  }

  async district(electionId: string, districtId: string, query: ResultsQuery): Promise<SingleDistrictResult> {
    const result = await this.answer(electionId, query, { kind: 'district', districtId });
    if (!result) {
      throw new DomainError(
        'not_found',
        'RESULTS.NOT_FOUND',
        `District ${districtId} is not part of election ${electionId}`,
      );
    }
    return result as SingleDistrictResult;
  }

  private async answer(electionId: string, query: ResultsQuery, view: TimeTravelView) {
    const position = await this.position(query);
    await this.catalog.assertDefined(electionId);
    const ask: FoldAsk = { electionId, position, view };
    const answer = (await this.folds.kept(ask)) ?? (await this.coldFold(ask));
    if (!answer.defined) {
      throw new DomainError(
        'not_found',
        'RESULTS.NOT_FOUND',
        `Election ${electionId} was not defined yet at position ${position}`,
      );
    }
    return answer.body;
  }

  /** A fold that reads the store, through the gate: the same request already under way is shared. */
  private coldFold(ask: FoldAsk): Promise<TimeTravelAnswer> {
    try {
      return this.gate.run(`${ask.electionId}@${ask.position}/${viewKey(ask.view)}`, () =>
        this.folds.fold(ask),
      );
    } catch (error) {
      if (!(error instanceof FoldGateFull)) throw error;
      throw new HttpProblem(
        503,
        'TIME_TRAVEL.BUSY',
        'Time travel is busy',
        `${error.running} time-travel folds are running and ${error.waiting} are waiting in this api process; ` +
          'ask again shortly (the live results, and a position asked just before, answer at once)',
        {},
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
  }

  private async position(query: ResultsQuery): Promise<number> {
    const { asOf, atPosition, minPosition } = query;
    if (asOf !== undefined && atPosition !== undefined) {
      throw new RequestValidationProblem([
        { field: 'atPosition', message: 'asOf and atPosition exclude each other: pass one' },
      ]);
    }
    if (minPosition !== undefined) {
      throw new RequestValidationProblem([
        { field: 'minPosition', message: 'minPosition applies to live results, not with asOf or atPosition' },
      ]);
    }
    const head = await this.eventStore.headPosition();
    if (atPosition !== undefined) {
      if (atPosition > head) {
        throw new HttpProblem(
          400,
          'REQUEST.POSITION_BEYOND_LOG',
          'The request is malformed',
          `atPosition ${atPosition} is beyond the last position of the log (${head})`,
          { errors: [{ field: 'atPosition', message: `must be at most ${head}` }] },
        );
      }
      return atPosition;
    }
    const instant = new Date(asOf!);
    if (Number.isNaN(instant.getTime())) {
      throw new RequestValidationProblem([
        { field: 'asOf', message: 'asOf must be a valid ISO 8601 instant' },
      ]);
    }
    if (instant.getTime() > Date.now()) {
      throw new RequestValidationProblem([
        { field: 'asOf', message: 'asOf lies in the future: the results there are not known yet' },
      ]);
    }
    return this.travel.resolve({ asOf: instant });
  }
}
