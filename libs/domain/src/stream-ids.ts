/** The only place stream ids are built. The category prefix lets KurrentDB filter subscriptions by stream name. */
export const ELECTION_STREAM_PREFIX = 'election-';
export const TALLY_STREAM_PREFIX = 'tally-';
export const TURNOUT_STREAM_PREFIX = 'turnout-';
export const UNIT_STREAM_PREFIX = 'unit-';

export function electionStreamId(electionId: string): string {
  return `${ELECTION_STREAM_PREFIX}${electionId}`;
}

export function tallyStreamId(electionId: string, pollingAreaId: string, contestId: string): string {
  return `${TALLY_STREAM_PREFIX}${electionId}.${pollingAreaId}.${contestId}`;
}

/** One stream per polling area: its turnout reports through the polling day. */
export function turnoutStreamId(electionId: string, pollingAreaId: string): string {
  return `${TURNOUT_STREAM_PREFIX}${electionId}.${pollingAreaId}`;
}

/** One stream per electoral unit of a contest: its certification, revocations and annulment. */
export function unitStreamId(electionId: string, contestId: string, unitId: string): string {
  return `${UNIT_STREAM_PREFIX}${electionId}.${contestId}.${unitId}`;
}

/** Ids are restricted to [a-z0-9-] (see ID_PATTERN), so '.' separates the parts unambiguously. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The public id of a tally sheet, as returned by the api. */
export function tallyId(electionId: string, pollingAreaId: string, contestId: string): string {
  return `${electionId}.${pollingAreaId}.${contestId}`;
}

/**
 * Every stream of one election, as readAll prefixes: its definition, its tally sheets, its turnout reports and its
 * electoral units (certification).
 */
export function electionStreamPrefixes(electionId: string): string[] {
  return [
    electionStreamId(electionId),
    `${TALLY_STREAM_PREFIX}${electionId}.`,
    `${TURNOUT_STREAM_PREFIX}${electionId}.`,
    `${UNIT_STREAM_PREFIX}${electionId}.`,
  ];
}

/** A prefix match alone would take `election-hn-2021x` for `election-hn-2021`: the definition stream is exact. */
export function isStreamOfElection(electionId: string, streamId: string): boolean {
  const [definition, ...categories] = electionStreamPrefixes(electionId);
  return streamId === definition || categories.some((prefix) => streamId.startsWith(prefix));
}
