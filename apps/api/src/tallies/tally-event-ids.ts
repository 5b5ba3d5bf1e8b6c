import { v5 as uuidv5 } from 'uuid';

// Fixed namespace for Tally Ledger's name-based event ids (RFC 9562 v5).
const NAMESPACE = '0b6c7f4e-3d2a-5c1b-9e8f-7a6b5c4d3e2f';

/**
 * A submission's event id follows from its submissionId, so the event store itself refuses one submissionId used
 * for two different sheets (DuplicateEventIdError), and a racing retry of the same one is idempotent.
 */
export function submissionEventId(electionId: string, submissionId: string): string {
  return uuidv5(`${electionId}/submission/${submissionId}`, NAMESPACE);
}

export function correctionEventId(electionId: string, correctionId: string): string {
  return uuidv5(`${electionId}/correction/${correctionId}`, NAMESPACE);
}
