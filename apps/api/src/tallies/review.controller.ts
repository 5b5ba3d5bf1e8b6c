import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ResultsQueries } from '@tally/read-models';
import { Allow } from '../auth/access.decorators';
import { ElectionCatalog } from '../elections/election-catalog';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { projected } from '../results/projected';
import { ReadYourWrites } from '../results/read-your-writes';
import { MinPositionQuery } from '../results/results.query-params';

class SheetOnHoldDto {
  @ApiProperty() pollingAreaId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty() districtId!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty({ enum: ['held', 'correction-required', 'awaiting-second-entry', 'discrepancy'] })
  standing!: string;
  @ApiProperty({ type: [String], description: 'The anomaly codes that hold it ([] for the entry standings)' })
  heldOn!: string[];
  @ApiProperty({
    type: 'integer',
    description: "The sheet's revision: the If-Match of a review or resolution",
  })
  revision!: number;
  @ApiProperty({ type: 'integer', description: 'Global position of its last event' }) position!: number;
}

class SheetsOnHoldDto {
  @ApiProperty() electionId!: string;
  @ApiProperty({ type: 'integer', description: 'The read model position this list reflects' })
  position!: number;
  @ApiProperty({ type: [SheetOnHoldDto], description: 'Oldest change first' }) sheets!: SheetOnHoldDto[];
}

@ApiTags('tallies')
@Controller('elections/:electionId/review')
export class ReviewController {
  constructor(
    private readonly queries: ResultsQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @Allow('read-review')
  @ApiOperation({
    summary:
      'The sheets recorded but not counted: held for review, sent back, awaiting a second entry, in discrepancy',
    description: 'Admins and auditors. A held sheet is decided with POST …/tallies/{pa}/{c}/review.',
  })
  @ApiOkResponse({ type: SheetsOnHoldDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async list(@Param() { electionId }: ElectionIdParam, @Query() query: MinPositionQuery) {
    await this.readYourWrites.waitFor(query.minPosition);
    return projected(this.catalog, electionId, await this.queries.sheetsOnHold(electionId));
  }
}
