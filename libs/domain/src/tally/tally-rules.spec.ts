import { ElectionIndex } from '../election/election-index';
import { DomainError } from '../shared/domain-error';
import { smallElection, validNaCounts } from '../testing/election-fixture';
import { checkTally, sheetExpectations } from './tally-rules';
import { TallyCounts } from './tally.types';

const index = ElectionIndex.of(smallElection());
const naSheet = sheetExpectations(index, 'e-1', 'north-01', 'na');

function check(change: (c: TallyCounts) => void, sheet = naSheet) {
  const counts = validNaCounts();
  change(counts);
  return checkTally(counts, sheet);
}

const violations = (change: (c: TallyCounts) => void, sheet = naSheet) =>
  check(change, sheet).violations.map((v) => `${v.code} @ ${v.field}`);

const anomalies = (change: (c: TallyCounts) => void) => check(change).anomalies.map((a) => a.code);

describe('sheetExpectations', () => {
  it('resolves district, unit, seats and candidates from the definition', () => {
    expect(naSheet).toEqual({
      electionId: 'e-1',
      pollingAreaId: 'north-01',
      contestId: 'na',
      districtId: 'north',
      registeredVoters: 1000,
      unit: { unitId: 'na-01', seats: 2, candidateIds: ['na-01-1', 'na-01-2', 'na-01-3'] },
    });
  });

  it.each([
    ['ELECTION.NOT_FOUND', undefined, 'north-01', 'na'],
    ['TALLY.UNKNOWN_POLLING_AREA', index, 'north-99', 'na'],
    ['TALLY.UNKNOWN_CONTEST', index, 'north-01', 'senate'],
  ])('%s is not_found (404)', (code, idx, area, contest) => {
    expect(() => sheetExpectations(idx, 'e-1', area, contest)).toThrow(
      expect.objectContaining({ code, kind: 'not_found' }) as unknown as DomainError,
    );
  });

  it('leaves an area outside the contest to checkTally', () => {
    expect(sheetExpectations(index, 'e-1', 'south-02', 'council').unit).toBeUndefined();
  });
});

describe('checkTally', () => {
  it('accepts a valid sheet with no anomaly', () => {
    expect(checkTally(validNaCounts(), naSheet)).toEqual({ violations: [], anomalies: [] });
  });

  it('TALLY.POLLING_AREA_NOT_IN_CONTEST: the area exists but no unit of the contest covers it', () => {
    const sheet = sheetExpectations(index, 'e-1', 'south-02', 'council');
    expect(violations((c) => (c.registeredVoters = 1000), sheet)).toEqual([
      'TALLY.POLLING_AREA_NOT_IN_CONTEST @ contestId',
    ]);
  });

  it('TALLY.CANDIDATES_MISMATCH: lists every unknown and every missing candidate', () => {
    expect(
      violations((c) => {
        c.candidateVotes = { 'na-01-1': 900, 'c-01-1': 5, 'na-01-9': 1 };
      }),
    ).toEqual([
      'TALLY.CANDIDATES_MISMATCH @ candidateVotes.c-01-1',
      'TALLY.CANDIDATES_MISMATCH @ candidateVotes.na-01-9',
      'TALLY.CANDIDATES_MISMATCH @ candidateVotes.na-01-2',
      'TALLY.CANDIDATES_MISMATCH @ candidateVotes.na-01-3',
    ]);
  });

  it('TALLY.VOTERS_VOTED_EXCEED_REGISTERED', () => {
    expect(violations((c) => (c.registeredVoters = 979))).toEqual([
      'TALLY.VOTERS_VOTED_EXCEED_REGISTERED @ votersVoted',
    ]);
    expect(violations((c) => (c.registeredVoters = 980))).toEqual([]);
  });

  it('TALLY.BALLOTS_RECEIVED_EXCEED_ISSUED', () => {
    expect(
      violations((c) => {
        c.ballotsIssued = 979;
        c.votersVoted = 979;
      }),
    ).toEqual(['TALLY.BALLOTS_RECEIVED_EXCEED_ISSUED @ ballotsReceived']);
  });

  it('TALLY.BALLOTS_DO_NOT_ADD_UP: valid + invalid must equal received', () => {
    expect(violations((c) => (c.invalidBallots = 19))).toEqual([
      'TALLY.BALLOTS_DO_NOT_ADD_UP @ validBallots',
    ]);
  });

  it('TALLY.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS: per candidate', () => {
    expect(violations((c) => (c.candidateVotes['na-01-1'] = 961))).toEqual([
      'TALLY.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS @ candidateVotes.na-01-1',
      'TALLY.VOTES_EXCEED_SEATS_CAP @ candidateVotes',
    ]);
  });

  it('TALLY.VOTES_EXCEED_SEATS_CAP: the sum may not exceed valid ballots × seats (Kenya 2022: 991 of a 700 cap)', () => {
    expect(violations((c) => (c.candidateVotes = { 'na-01-1': 960, 'na-01-2': 960, 'na-01-3': 0 }))).toEqual(
      [],
    );
    expect(violations((c) => (c.candidateVotes = { 'na-01-1': 960, 'na-01-2': 960, 'na-01-3': 1 }))).toEqual([
      'TALLY.VOTES_EXCEED_SEATS_CAP @ candidateVotes',
    ]);
  });

  it.each([
    ['votersVoted', -1],
    ['invalidBallots', 2.5],
    ['validBallots', Number.NaN],
  ] as const)('TALLY.NEGATIVE_OR_NON_INTEGER: %s = %p', (field, value) => {
    expect(violations((c) => (c[field] = value))).toContain(`TALLY.NEGATIVE_OR_NON_INTEGER @ ${field}`);
  });

  it('TALLY.NEGATIVE_OR_NON_INTEGER: candidate votes too', () => {
    expect(violations((c) => (c.candidateVotes['na-01-3'] = -300))).toEqual([
      'TALLY.NEGATIVE_OR_NON_INTEGER @ candidateVotes.na-01-3',
    ]);
  });

  it('reports every broken rule at once', () => {
    const found = violations((c) => {
      c.votersVoted = 1001;
      c.ballotsIssued = 1001;
      c.ballotsReceived = 1002;
      c.invalidBallots = 0;
    });
    expect(found).toEqual([
      'TALLY.VOTERS_VOTED_EXCEED_REGISTERED @ votersVoted',
      'TALLY.BALLOTS_RECEIVED_EXCEED_ISSUED @ ballotsReceived',
      'TALLY.BALLOTS_DO_NOT_ADD_UP @ validBallots',
    ]);
  });

  describe('anomalies (accepted, listed)', () => {
    it('ANOMALY.REGISTERED_VOTERS_DIFFER: the sheet and the definition disagree', () => {
      expect(anomalies((c) => (c.registeredVoters = 1001))).toEqual(['ANOMALY.REGISTERED_VOTERS_DIFFER']);
    });

    it('ANOMALY.BALLOTS_ISSUED_NOT_VOTERS_VOTED', () => {
      expect(anomalies((c) => (c.ballotsIssued = 981))).toEqual(['ANOMALY.BALLOTS_ISSUED_NOT_VOTERS_VOTED']);
    });

    it('ANOMALY.HIGH_INVALID_SHARE: above 10% of ballots received', () => {
      expect(
        anomalies((c) => {
          c.invalidBallots = 98;
          c.validBallots = 882;
          c.candidateVotes = { 'na-01-1': 800, 'na-01-2': 700, 'na-01-3': 200 };
        }),
      ).toEqual([]);
      expect(
        anomalies((c) => {
          c.invalidBallots = 99;
          c.validBallots = 881;
          c.candidateVotes = { 'na-01-1': 800, 'na-01-2': 700, 'na-01-3': 200 };
        }),
      ).toEqual(['ANOMALY.HIGH_INVALID_SHARE']);
    });

    it('no anomaly on an empty sheet (nothing received)', () => {
      const empty: TallyCounts = {
        registeredVoters: 1000,
        votersVoted: 0,
        ballotsIssued: 0,
        ballotsReceived: 0,
        validBallots: 0,
        invalidBallots: 0,
        candidateVotes: { 'na-01-1': 0, 'na-01-2': 0, 'na-01-3': 0 },
      };
      expect(checkTally(empty, naSheet)).toEqual({ violations: [], anomalies: [] });
    });
  });
});
