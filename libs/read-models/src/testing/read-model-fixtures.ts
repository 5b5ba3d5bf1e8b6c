import { randomUUID } from 'node:crypto';
import {
  amendDefinition,
  AmendmentChange,
  ElectionDefinition,
  ElectionIndex,
  electionStreamId,
  pollingAreaChanges,
  TallyCounts,
  tallyStreamId,
  unitStreamId,
  turnoutStreamId,
} from '@tally/domain';
import type { EventToAppend, StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';

/**
 * A small election: two districts, three polling areas; the NA unit spans both districts, the city council has one
 * unit per district (one by whole district, one by polling-area list).
 */
export function smallElection(electionId = 'hn-test'): ElectionDefinition {
  return {
    electionId,
    name: 'Test election',
    pollingDate: '2021-05-23',
    districts: [
      { districtId: 'ba-dinh', name: 'Ba Đình' },
      { districtId: 'dong-da', name: 'Đống Đa' },
    ],
    pollingAreas: [
      { pollingAreaId: 'ba-dinh-0001', districtId: 'ba-dinh', registeredVoters: 1000 },
      { pollingAreaId: 'ba-dinh-0002', districtId: 'ba-dinh', registeredVoters: 800 },
      { pollingAreaId: 'dong-da-0001', districtId: 'dong-da', registeredVoters: 1200 },
    ],
    contests: [
      {
        contestId: 'na',
        name: 'Quốc hội',
        kind: 'national-assembly',
        electoralUnits: [
          {
            unitId: 'na-01',
            name: 'Đơn vị số 1',
            seats: 2,
            districtIds: ['ba-dinh', 'dong-da'],
            candidates: [
              { candidateId: 'na-01-1', name: 'An', birthDate: '1960-01-01' },
              { candidateId: 'na-01-2', name: 'Bình', birthDate: '1970-01-01' },
              { candidateId: 'na-01-3', name: 'Cường', birthDate: '1980-01-01' },
            ],
          },
        ],
      },
      {
        contestId: 'hdnd',
        name: 'HĐND thành phố',
        electoralUnits: [
          {
            unitId: 'hd-01',
            name: 'Đơn vị số 1',
            seats: 1,
            districtIds: ['ba-dinh'],
            candidates: [
              { candidateId: 'hd-01-1', name: 'Dũng', birthDate: '1965-01-01' },
              { candidateId: 'hd-01-2', name: 'Giang', birthDate: '1975-01-01' },
            ],
          },
          {
            unitId: 'hd-02',
            name: 'Đơn vị số 2',
            seats: 1,
            pollingAreaIds: ['dong-da-0001'],
            candidates: [
              { candidateId: 'hd-02-1', name: 'Hà', birthDate: '1966-01-01' },
              { candidateId: 'hd-02-2', name: 'Khánh', birthDate: '1966-01-01' },
            ],
          },
        ],
      },
    ],
  };
}

/** A generated election of `districts` × `areasPerDistrict` polling areas, one NA unit per district. */
export function generatedElection(
  electionId: string,
  districts: number,
  areasPerDistrict: number,
): ElectionDefinition {
  const ids = Array.from({ length: districts }, (_, d) => `d${d + 1}`);
  return {
    electionId,
    name: 'Generated election',
    pollingDate: '2021-05-23',
    districts: ids.map((districtId) => ({ districtId, name: `District ${districtId}` })),
    pollingAreas: ids.flatMap((districtId) =>
      Array.from({ length: areasPerDistrict }, (_, a) => ({
        pollingAreaId: `${districtId}-${String(a + 1).padStart(4, '0')}`,
        districtId,
        registeredVoters: 1000,
      })),
    ),
    contests: [
      {
        contestId: 'na',
        name: 'Quốc hội',
        electoralUnits: ids.map((districtId) => ({
          unitId: `na-${districtId}`,
          name: `Unit ${districtId}`,
          seats: 1,
          districtIds: [districtId],
          candidates: [
            { candidateId: `na-${districtId}-1`, name: 'First', birthDate: '1960-01-01' },
            { candidateId: `na-${districtId}-2`, name: 'Second', birthDate: '1970-01-01' },
          ],
        })),
      },
    ],
  };
}

export function counts(
  registeredVoters: number,
  votersVoted: number,
  validBallots: number,
  invalidBallots: number,
  candidateVotes: Record<string, number>,
): TallyCounts {
  const ballots = validBallots + invalidBallots;
  return {
    registeredVoters,
    votersVoted,
    ballotsIssued: ballots,
    ballotsReceived: ballots,
    validBallots,
    invalidBallots,
    candidateVotes,
  };
}

const ACTOR = { id: 'anonymous' };
const metadata = (actor: object = ACTOR) => ({
  actor,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  requestId: randomUUID(),
  schemaVersion: 1,
});

/** Placement of a sheet in smallElection()/generatedElection(), as the decider would store it. */
export interface SheetPlace {
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
}

/** Where a sheet of the small election sits; the NA unit na-01 unless told otherwise. */
export function place(
  pollingAreaId: string,
  districtId: string,
  contestId = 'na',
  unitId = 'na-01',
): SheetPlace {
  return { pollingAreaId, contestId, districtId, unitId };
}

/** Builds facts as the deciders would: for a log in memory (StoredEvent) or for a real store (EventToAppend). */
export const facts = {
  electionDefined(definition: ElectionDefinition): { streamId: string; event: EventToAppend } {
    return {
      streamId: electionStreamId(definition.electionId),
      event: {
        eventId: randomUUID(),
        type: 'ElectionDefined',
        data: { definition, definedAt: '2021-05-01T00:00:00.000Z' } as never,
        metadata: metadata(),
      },
    };
  },
  /**
   * ElectionAmended as the decider stores it for these changes to `before`, with the definition it leads to. Throws
   * when the changes break a rule (a spec meant to store a valid amendment).
   */
  electionAmended(
    before: ElectionDefinition,
    changes: AmendmentChange[],
    reason = 'Hội đồng bầu cử quốc gia điều chỉnh',
  ): { streamId: string; event: EventToAppend; definition: ElectionDefinition } {
    const amended = amendDefinition(before, changes);
    if (amended.violations.length > 0)
      throw new Error(`invalid amendment: ${JSON.stringify(amended.violations)}`);
    return {
      streamId: electionStreamId(before.electionId),
      definition: amended.definition,
      event: {
        eventId: randomUUID(),
        type: 'ElectionAmended',
        data: {
          electionId: before.electionId,
          reason,
          changes,
          pollingAreaChanges: pollingAreaChanges(
            ElectionIndex.of(before),
            ElectionIndex.of(amended.definition),
          ),
          amendedAt: '2021-05-16T00:00:00.000Z',
        } as never,
        metadata: metadata({ id: 'city-admin', role: 'admin' }),
      },
    };
  },
  tallySubmitted(
    electionId: string,
    place: SheetPlace,
    c: TallyCounts,
  ): { streamId: string; event: EventToAppend } {
    return {
      streamId: tallyStreamId(electionId, place.pollingAreaId, place.contestId),
      event: {
        eventId: randomUUID(),
        type: 'TallySubmitted',
        data: {
          electionId,
          ...place,
          submissionId: randomUUID(),
          counts: c,
          anomalies: [],
          submittedAt: '2021-05-23T20:00:00.000Z',
        } as never,
        metadata: metadata(),
      },
    };
  },
  tallyCorrected(
    electionId: string,
    place: SheetPlace,
    c: TallyCounts,
    previous: TallyCounts,
    reason: string,
    changedFields: string[],
  ): { streamId: string; event: EventToAppend } {
    return {
      streamId: tallyStreamId(electionId, place.pollingAreaId, place.contestId),
      event: {
        eventId: randomUUID(),
        type: 'TallyCorrected',
        data: {
          electionId,
          ...place,
          counts: c,
          previousCounts: previous,
          changedFields,
          reason,
          anomalies: [],
          correctedAt: '2021-05-24T08:00:00.000Z',
        } as never,
        metadata: metadata({ id: 'admin-1', role: 'city-admin' }),
      },
    };
  },
  turnoutReported(
    electionId: string,
    area: { pollingAreaId: string; districtId: string; registeredVoters: number },
    asOf: string,
    votersVoted: number,
  ): { streamId: string; event: EventToAppend } {
    return {
      streamId: turnoutStreamId(electionId, area.pollingAreaId),
      event: {
        eventId: randomUUID(),
        type: 'TurnoutReported',
        data: {
          electionId,
          ...area,
          reportId: randomUUID(),
          asOf,
          votersVoted,
          reportedAt: '2021-05-23T13:00:00.000Z',
        },
        metadata: metadata(),
      },
    };
  },
};

/** Unit facts (certification, annulment), as the unit decider would store them. */
export const unitFacts = {
  certified(
    electionId: string,
    contestId: string,
    unitId: string,
    certifiedAt = '2021-05-25T10:00:00.000Z',
    actor = 'admin-ba-dinh',
  ): { streamId: string; event: EventToAppend } {
    return {
      streamId: unitStreamId(electionId, contestId, unitId),
      event: {
        eventId: randomUUID(),
        type: 'UnitCertified',
        data: {
          electionId,
          contestId,
          unitId,
          districtIds: [],
          sheets: [],
          totals: { registeredVoters: 0, votersVoted: 0, validBallots: 0, invalidBallots: 0 },
          candidates: [],
          status: 'seats_filled',
          outcome: 'elected',
          outcomeReason: null,
          seatsUnfilled: 0,
          reason: null,
          certifiedAt,
        } as never,
        metadata: metadata({ id: actor, role: 'admin' }),
      },
    };
  },
  revoked(electionId: string, contestId: string, unitId: string): { streamId: string; event: EventToAppend } {
    return {
      streamId: unitStreamId(electionId, contestId, unitId),
      event: {
        eventId: randomUUID(),
        type: 'UnitCertificationRevoked',
        data: {
          electionId,
          contestId,
          unitId,
          reason: 'Complaint about a polling area',
          automatic: false,
          revokedAt: '2021-05-26T10:00:00.000Z',
        } as never,
        metadata: metadata({ id: 'city-admin', role: 'admin' }),
      },
    };
  },
  annulled(
    electionId: string,
    contestId: string,
    unitId: string,
    annulledAt = '2021-05-29T09:00:00.000Z',
  ): { streamId: string; event: EventToAppend } {
    return {
      streamId: unitStreamId(electionId, contestId, unitId),
      event: {
        eventId: randomUUID(),
        type: 'UnitResultAnnulled',
        data: {
          electionId,
          contestId,
          unitId,
          reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra',
          annulledAt,
        } as never,
        metadata: metadata({ id: 'city-admin', role: 'admin' }),
      },
    };
  },
};

/** An in-memory log that stamps positions and revisions like a store would. */
export class MemoryLog {
  readonly events: StoredEvent[] = [];
  private readonly revisions = new Map<string, number>();

  /** Recorded one second after the previous event unless `recordedAt` says otherwise. */
  add(fact: { streamId: string; event: EventToAppend }, recordedAt?: Date): StoredEvent {
    const revision = (this.revisions.get(fact.streamId) ?? -1) + 1;
    this.revisions.set(fact.streamId, revision);
    const stored: StoredEvent = {
      ...fact.event,
      streamId: fact.streamId,
      revision,
      position: this.events.length,
      recordedAt: recordedAt ?? new Date(Date.UTC(2021, 4, 23, 20, 0, this.events.length)),
    };
    this.events.push(stored);
    return stored;
  }
}

export const READ_MODEL_TABLES: Record<string, string> = {
  rm_elections: 'election_id',
  rm_tally_sheets: 'election_id, polling_area_id, contest_id',
  rm_district_results: 'election_id, district_id, contest_id',
  rm_unit_results: 'election_id, contest_id, unit_id',
  rm_audit_entries: 'position',
};

/** Every read-model row, in key order, for equality checks. */
export async function dumpReadModels(ds: DataSource): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(READ_MODEL_TABLES)) {
    dump[table] = await ds.query(`SELECT * FROM ${table} ORDER BY ${key}`);
  }
  return dump;
}
