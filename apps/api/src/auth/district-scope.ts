import { Injectable } from '@nestjs/common';
import { Action, Actor, assertMayPerformIn } from '@tally/domain';
import { ElectionCatalog } from '../elections/election-catalog';

/**
 * District scope for reads of one polling area's sheet: the district comes from the election definition. An unknown
 * election is left to the usual 404; an unknown polling area is out of scope for a district-scoped actor.
 */
@Injectable()
export class DistrictScope {
  constructor(private readonly catalog: ElectionCatalog) {}

  async check(actor: Actor, action: Action, electionId: string, pollingAreaId: string): Promise<void> {
    const index = await this.catalog.find(electionId);
    if (index) assertMayPerformIn(actor, action, index.districtOf(pollingAreaId));
  }
}
