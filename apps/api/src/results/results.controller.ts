import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@tally/domain';
import { ResultsQueries } from '@tally/read-models';
import { ApiProblems } from '../http/api-problem.decorator';
import { DistrictParams, ElectionIdParam } from '../http/route-params';
import { ReadYourWrites } from './read-your-writes';
import { MinPositionQuery } from './results.query-params';

function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) {
    throw new DomainError(
      'not_found',
      'RESULTS.NOT_FOUND',
      `${what} has no results (unknown, or not projected yet)`,
    );
  }
  return value;
}

@ApiTags('results')
@Controller('elections/:electionId/results')
export class ResultsController {
  constructor(
    private readonly queries: ResultsQueries,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get('districts')
  @ApiOperation({
    summary: 'Per district and contest: reporting progress, turnout, ballots and votes per candidate',
  })
  @ApiOkResponse({ description: 'District results with the global `position` they reflect' })
  @ApiProblems(400, 404, 503)
  async districts(@Param() { electionId }: ElectionIdParam, @Query() { minPosition }: MinPositionQuery) {
    await this.readYourWrites.waitFor(minPosition);
    return found(await this.queries.districtResults(electionId), `Election ${electionId}`);
  }

  @Get('districts/:districtId')
  @ApiOperation({ summary: 'One district, per contest' })
  @ApiOkResponse({ description: 'The district results with the `position` they reflect' })
  @ApiProblems(400, 404, 503)
  async district(
    @Param() { electionId, districtId }: DistrictParams,
    @Query() { minPosition }: MinPositionQuery,
  ) {
    await this.readYourWrites.waitFor(minPosition);
    return found(
      await this.queries.districtResult(electionId, districtId),
      `District ${districtId} of ${electionId}`,
    );
  }

  @Get('city')
  @ApiOperation({
    summary:
      'City totals per contest, and per electoral unit: votes, shares and provisional winners (Art. 78)',
  })
  @ApiOkResponse({ description: 'City results with the `position` they reflect' })
  @ApiProblems(400, 404, 503)
  async city(@Param() { electionId }: ElectionIdParam, @Query() { minPosition }: MinPositionQuery) {
    await this.readYourWrites.waitFor(minPosition);
    return found(await this.queries.cityResults(electionId), `Election ${electionId}`);
  }
}
