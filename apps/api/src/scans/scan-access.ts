import { Injectable } from '@nestjs/common';
import { Actor, mayPerform } from '@tally/domain';
import { ElectionCatalog } from '../elections/election-catalog';
import { forbidden, tokenMissing } from '../auth/auth.problems';

/**
 * Who may read the scans of an election: anyone when its definition says `"publishScans": true`, otherwise admins
 * and auditors (read-scans). The routes are public to the guard, which still verifies a token that is sent.
 */
@Injectable()
export class ScanAccess {
  constructor(private readonly catalog: ElectionCatalog) {}

  /** Throws 404 for an unknown election, 401 without a token, 403 for another role. Returns whether they are public. */
  async check(actor: Actor | undefined, electionId: string): Promise<{ published: boolean }> {
    const index = await this.catalog.get(electionId);
    if (index.definition.publishScans === true) return { published: true };
    if (!actor) throw tokenMissing();
    const decision = mayPerform(actor, 'read-scans');
    if (!decision.allowed) {
      throw forbidden(decision.code, `${decision.reason}: this election does not publish its scans`);
    }
    return { published: false };
  }
}
