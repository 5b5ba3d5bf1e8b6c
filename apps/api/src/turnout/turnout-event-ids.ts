import { v5 as uuidv5 } from 'uuid';

// Its own namespace (RFC 9562 v5): a reportId can never collide with a tally submission's event id.
const NAMESPACE = '6a1d9c3e-2f4b-5e7a-8c9d-0e1f2a3b4c5d';

/**
 * A report's event id follows from its reportId, so the event store itself refuses one reportId used for two polling
 * areas (DuplicateEventIdError), and a racing retry of the same report is idempotent.
 */
export function turnoutEventId(electionId: string, reportId: string): string {
  return uuidv5(`${electionId}/turnout/${reportId}`, NAMESPACE);
}
