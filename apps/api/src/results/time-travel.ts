import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@tally/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import {
  cityOf,
  districtOf,
  districtsOf,
  FoldedElection,
  ResultsTimeTravel,
  TimeIndexQueries,
} from '@tally/read-models';
import { DataSource } from 'typeorm';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { ElectionCatalog } from '../elections/election-catalog';
import { HttpProblem, RequestValidationProblem } from '../http/problem';
import { StrictInt } from '../http/validators/strict-int.transform';
import { APP_CONFIG } from '../infrastructure/runtime';
import { FoldGate, FoldGateFull } from './fold-gate';
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

/** Retry-After of 503 TIME_TRAVEL.BUSY: about what a cold fold of a national night takes. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `?asOf=` / `?atPosition=` on the results endpoints: the election's events up to that point, folded in memory by the
 * live projection's code (libs/read-models/src/time-travel). 404 RESULTS.NOT_FOUND when the election was not defined
 * yet at that point; 503 TIME_TRAVEL.BUSY (Retry-After) when this process already runs and queues all the folds it
 * may (FoldGate).
 */
@Injectable()
export class TimeTravel {
  private readonly travel: ResultsTimeTravel;
  /** The cold folds of this process: TIME_TRAVEL_FOLDS_AT_ONCE run, TIME_TRAVEL_FOLDS_WAITING wait, the rest 503. */
  readonly gate: FoldGate<FoldedElection | null>;

  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.travel = new ResultsTimeTravel(
      eventStore,
      undefined,
      undefined,
      new TimeIndexQueries(dataSource),
      config.TIME_TRAVEL_FOLDS_KEPT,
    );
    this.gate = new FoldGate(config.TIME_TRAVEL_FOLDS_AT_ONCE, config.TIME_TRAVEL_FOLDS_WAITING);
  }

  requested(query: ResultsQuery): boolean {
    return query.asOf !== undefined || query.atPosition !== undefined;
  }

  async city(electionId: string, query: ResultsQuery) {
    return cityOf(await this.fold(electionId, query), query.contest);
  }

  async districts(electionId: string, query: ResultsQuery) {
    return districtsOf(await this.fold(electionId, query));
  }

  async district(electionId: string, districtId: string, query: ResultsQuery) {
    const result = districtOf(await this.fold(electionId, query), districtId);
    if (!result) {
      throw new DomainError(
        'not_found',
        'RESULTS.NOT_FOUND',
        `District ${districtId} is not part of election ${electionId}`,
      );
    }
    return result;
  }

  private async fold(electionId: string, query: ResultsQuery): Promise<FoldedElection> {
    const position = await this.position(query);
    await this.catalog.get(electionId);
    const folded = this.travel.keptAt(electionId, position) ?? (await this.coldFold(electionId, position));
    if (!folded) {
      throw new DomainError(
        'not_found',
        'RESULTS.NOT_FOUND',
        `Election ${electionId} was not defined yet at position ${position}`,
      );
    }
    return folded;
  }

  /** A fold that reads the store, through the gate: a fold of the same position already under way is shared. */
  private coldFold(electionId: string, position: number): Promise<FoldedElection | null> {
    try {
      return this.gate.run(`${electionId}@${position}`, () => this.travel.fold(electionId, position));
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
