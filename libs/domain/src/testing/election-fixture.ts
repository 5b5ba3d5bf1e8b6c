import { ElectionDefinition } from '../election/election.types';
import { CommandContext } from '../shared/event-metadata';
import { TallyCounts } from '../tally/tally.types';

/**
 * A small election that exercises both kinds of unit: contest `na` covers whole districts, contest `council` lists
 * polling areas and leaves `south-02` out. A fresh copy per call so tests can mutate it.
 */
export function smallElection(): ElectionDefinition {
  return {
    electionId: 'e-1',
    name: 'Test election',
    pollingDate: '2021-05-23',
    districts: [
      { districtId: 'north', name: 'Bắc' },
      { districtId: 'south', name: 'Nam' },
    ],
    pollingAreas: [
      { pollingAreaId: 'north-01', districtId: 'north', registeredVoters: 1000 },
      { pollingAreaId: 'north-02', districtId: 'north', registeredVoters: 800 },
      { pollingAreaId: 'south-01', districtId: 'south', registeredVoters: 1200 },
      { pollingAreaId: 'south-02', districtId: 'south', registeredVoters: 500 },
    ],
    contests: [
      {
        contestId: 'na',
        name: 'National Assembly',
        electoralUnits: [
          {
            unitId: 'na-01',
            name: 'Unit 1',
            seats: 2,
            districtIds: ['north', 'south'],
            candidates: [
              { candidateId: 'na-01-1', name: 'Nguyễn Văn An', birthDate: '1970-01-01' },
              { candidateId: 'na-01-2', name: 'Trần Thị Bình', birthDate: '1975-06-30' },
              { candidateId: 'na-01-3', name: 'Lê Văn Cường', birthDate: '1980-12-31' },
            ],
          },
        ],
      },
      {
        contestId: 'council',
        name: 'City council',
        electoralUnits: [
          {
            unitId: 'c-01',
            name: 'Council unit 1',
            seats: 1,
            pollingAreaIds: ['north-01', 'north-02'],
            candidates: [
              { candidateId: 'c-01-1', name: 'Phạm Văn Dũng', birthDate: '1966-03-04' },
              { candidateId: 'c-01-2', name: 'Hoàng Thị Giang', birthDate: '1972-08-09' },
            ],
          },
          {
            unitId: 'c-02',
            name: 'Council unit 2',
            seats: 1,
            pollingAreaIds: ['south-01'],
            candidates: [
              { candidateId: 'c-02-1', name: 'Vũ Văn Hải', birthDate: '1969-11-11' },
              { candidateId: 'c-02-2', name: 'Đỗ Thị Lan', birthDate: '1983-02-28' },
            ],
          },
        ],
      },
    ],
  };
}

/** A sheet for north-01 in contest `na` that satisfies every rule and raises no anomaly. */
export function validNaCounts(): TallyCounts {
  return {
    registeredVoters: 1000,
    votersVoted: 980,
    ballotsIssued: 980,
    ballotsReceived: 980,
    validBallots: 960,
    invalidBallots: 20,
    candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-3': 300 },
  };
}

export function testContext(now = '2021-05-23T19:30:00.000Z'): CommandContext {
  return {
    actor: { id: 'anonymous' },
    requestId: 'req-1',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    now,
  };
}
