import { DomainError } from '../shared/domain-error';
import { ElectionErrorCode } from './election.decider';
import { ElectionIndex } from './election-index';
import { PollingArea } from './election.types';

/**
 * The polling area a command is about, or the 404 it gets: the election is not defined (ELECTION.NOT_FOUND), or the
 * area is not part of it (`unknownAreaCode`, e.g. TALLY.UNKNOWN_POLLING_AREA).
 */
export function requirePollingArea(
  index: ElectionIndex | undefined,
  electionId: string,
  pollingAreaId: string,
  unknownAreaCode: string,
): { index: ElectionIndex; area: PollingArea } {
  if (!index) {
    throw new DomainError(
      'not_found',
      ElectionErrorCode.NOT_FOUND,
      `Election ${electionId} is not defined`,
      [],
      {
        electionId,
      },
    );
  }
  const area = index.pollingArea(pollingAreaId);
  if (!area) {
    throw new DomainError(
      'not_found',
      unknownAreaCode,
      `Polling area ${pollingAreaId} is not part of election ${electionId}`,
      [],
      { electionId, pollingAreaId },
    );
  }
  return { index, area };
}
