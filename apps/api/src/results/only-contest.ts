import { DomainError, TallyLookupCode } from '@tally/domain';
import { ElectionCatalog } from '../elections/election-catalog';

type WithContests = { contests: Array<{ contestId: string }> };

/**
 * `?contest=`: the results of one contest only. A national night has ~12,600 units over four contests (a city
 * answer of ~10 MB): the press asks for the National Assembly alone. 404 TALLY.UNKNOWN_CONTEST for a contest the
 * election does not hold.
 */
export async function onlyContest<T extends WithContests | { districts: WithContests[] }>(
  catalog: ElectionCatalog,
  electionId: string,
  result: T,
  contestId: string | undefined,
): Promise<T> {
  if (contestId === undefined) return result;
  await assertContest(catalog, electionId, contestId);
  const keep = <R extends WithContests>(r: R): R => ({
    ...r,
    contests: r.contests.filter((c) => c.contestId === contestId),
  });
  return ('districts' in result ? { ...result, districts: result.districts.map(keep) } : keep(result)) as T;
}

/** 404 TALLY.UNKNOWN_CONTEST unless the election holds the contest. */
export async function assertContest(
  catalog: ElectionCatalog,
  electionId: string,
  contestId: string,
): Promise<void> {
  const { definition } = await catalog.get(electionId);
  if (!definition.contests.some((c) => c.contestId === contestId)) {
    throw new DomainError(
      'not_found',
      TallyLookupCode.UNKNOWN_CONTEST,
      `Contest ${contestId} is not part of election ${electionId}`,
      [],
      { electionId, contestId },
    );
  }
}
