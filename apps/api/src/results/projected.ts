import { DomainError } from '@tally/domain';
import { ElectionCatalog } from '../elections/election-catalog';

/**
 * Results come from the read models; an election the read models do not know yet is either undefined
 * (ELECTION.NOT_FOUND) or not projected yet (RESULTS.NOT_FOUND: retry with ?minPosition=).
 */
export async function projected<T>(
  catalog: ElectionCatalog,
  electionId: string,
  result: T | null | undefined,
  what = `Election ${electionId}`,
): Promise<T> {
  if (result !== null && result !== undefined) return result;
  await catalog.get(electionId);
  throw new DomainError(
    'not_found',
    'RESULTS.NOT_FOUND',
    `${what} has no results yet: unknown, or not projected yet (pass ?minPosition=)`,
  );
}
