import type { StoredEvent } from '@tally/event-store';
import {
  ElectionDefinition,
  ElectionIndex,
  ELECTION_STREAM_PREFIX,
  reportAsOf,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
} from '@tally/domain';
import { asDefinition } from './fact-shapes';

/** What the turnout projection and the live timeline read of the same facts, read one way. */

export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
export const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** From the data when it says, else from the stream id (election-<e>, tally-<e>.…, turnout-<e>.…). */
export function electionIdOf(event: StoredEvent): string | null {
  const fromData = event.data.electionId ?? asDefinition(event.data.definition)?.electionId;
  if (isText(fromData)) return fromData;
  for (const prefix of [ELECTION_STREAM_PREFIX, TALLY_STREAM_PREFIX, TURNOUT_STREAM_PREFIX]) {
    if (event.streamId.startsWith(prefix)) return event.streamId.slice(prefix.length).split('.')[0] || null;
  }
  return null;
}

/** A TurnoutReported fact whose fields can be summed; `asOf` normalised to ISO 8601 UTC. */
export interface TurnoutFact {
  pollingAreaId: string;
  districtId: string;
  reportId: string;
  asOf: string;
  votersVoted: number;
  registeredVoters: number;
}

/** Null for a malformed report (the projections skip it). */
export function asTurnoutFact(event: StoredEvent): TurnoutFact | null {
  const { pollingAreaId, districtId, reportId, asOf, votersVoted, registeredVoters } = event.data;
  if (![pollingAreaId, districtId, reportId].every(isText)) return null;
  if (!isText(asOf) || Number.isNaN(Date.parse(asOf))) return null;
  if (!isCount(votersVoted) || !isCount(registeredVoters)) return null;
  return {
    pollingAreaId: pollingAreaId as string,
    districtId: districtId as string,
    reportId: reportId as string,
    asOf: new Date(asOf).toISOString(),
    votersVoted,
    registeredVoters,
  };
}

const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** A polling area's latest figure: the report with the latest asOf, the later recorded on a tie (reportAsOf). */
export function latestReport<R extends { asOf: string }>(reports: readonly R[]): R | undefined {
  return reportAsOf(reports, END_OF_TIME);
}

/** Registered voters and polling areas of the whole election, from the definition's districts. */
export function electionTotals(definition: ElectionDefinition): {
  registeredVoters: number;
  pollingAreasExpected: number;
} {
  const index = ElectionIndex.of(definition);
  let registeredVoters = 0;
  let pollingAreasExpected = 0;
  for (const d of definition.districts) {
    const areaIds = index.pollingAreasOfDistrict(d.districtId);
    pollingAreasExpected += areaIds.length;
    registeredVoters += areaIds.reduce((sum, a) => sum + (index.pollingArea(a)?.registeredVoters ?? 0), 0);
  }
  return { registeredVoters, pollingAreasExpected };
}
