import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResultsQueries } from '@tally/read-models';
import { ElectionCatalog } from '../elections/election-catalog';
import { Public } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { CacheByPosition } from '../http/cache-by-position.interceptor';
import { DistrictParams, ElectionIdParam } from '../http/route-params';
import { CityResultsDto, DistrictResultsDto, SingleDistrictResultDto } from './results.dto';
import { ReadYourWrites } from './read-your-writes';
import { onlyContest } from './only-contest';
import { projected } from './projected';
import { ResultsQuery, TimeTravel } from './time-travel';

@ApiTags('results')
@Public()
@CacheByPosition()
@Controller('elections/:electionId/results')
export class ResultsController {
  constructor(
    private readonly queries: ResultsQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Get('districts')
  @ApiOperation({
    summary: 'Per district and contest: reporting progress, turnout, ballots and votes per candidate',
  })
  @ApiOkResponse({
    type: DistrictResultsDto,
    description: 'District results with the global `position` they reflect',
  })
  @ApiProblems(400, 404, 503)
  async districts(@Param() { electionId }: ElectionIdParam, @Query() query: ResultsQuery) {
    const result = this.timeTravel.requested(query)
      ? await this.timeTravel.districts(electionId, query)
      : await this.live(query, () => this.queries.districtResults(electionId), electionId);
    return onlyContest(this.catalog, electionId, result, query.contest);
  }

  @Get('districts/:districtId')
  @ApiOperation({ summary: 'One district, per contest' })
  @ApiOkResponse({
    type: SingleDistrictResultDto,
    description: 'The district results with the `position` they reflect',
  })
  @ApiProblems(400, 404, 503)
  async district(@Param() { electionId, districtId }: DistrictParams, @Query() query: ResultsQuery) {
    const result = this.timeTravel.requested(query)
      ? await this.timeTravel.district(electionId, districtId, query)
      : await this.live(
          query,
          () => this.queries.districtResult(electionId, districtId),
          electionId,
          `District ${districtId} of election ${electionId}`,
        );
    return onlyContest(this.catalog, electionId, result, query.contest);
  }

  @Get('city')
  @ApiOperation({
    summary:
      'City totals per contest, and per electoral unit: votes, shares and provisional winners (Art. 78)',
  })
  @ApiOkResponse({ type: CityResultsDto, description: 'City results with the `position` they reflect' })
  @ApiProblems(400, 404, 503)
  async city(@Param() { electionId }: ElectionIdParam, @Query() query: ResultsQuery) {
    const result = this.timeTravel.requested(query)
      ? await this.timeTravel.city(electionId, query)
      : await this.live(query, () => this.queries.cityResults(electionId, query.contest), electionId);
    return onlyContest(this.catalog, electionId, result, query.contest);
  }

  private async live<T>(
    query: ResultsQuery,
    read: () => Promise<T | null>,
    electionId: string,
    what?: string,
  ) {
    await this.readYourWrites.waitFor(query.minPosition);
    return projected(this.catalog, electionId, await read(), what);
  }
}
