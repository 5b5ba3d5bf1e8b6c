import { smallElection } from '../testing/election-fixture';
import { CONTEST_KINDS, ContestKind, ElectionDefinition } from './election.types';
import { validateElectionDefinition } from './election-rules';

/** Breaks one thing in an otherwise valid definition and returns the violations as "code @ field". */
function violationsAfter(change: (def: ElectionDefinition) => void): string[] {
  const def = smallElection();
  change(def);
  return validateElectionDefinition(def).map((v) => `${v.code} @ ${v.field}`);
}

describe('validateElectionDefinition', () => {
  it('accepts a valid definition', () => {
    expect(validateElectionDefinition(smallElection())).toEqual([]);
  });

  describe('ELECTION.INVALID_ID', () => {
    it('rejects an election id outside ID_PATTERN', () => {
      expect(violationsAfter((d) => (d.electionId = 'HN 2021'))).toEqual([
        'ELECTION.INVALID_ID @ electionId',
      ]);
    });
    it('rejects a candidate id with a dot (it would break stream ids)', () => {
      expect(
        violationsAfter((d) => (d.contests[0].electoralUnits[0].candidates[1].candidateId = 'na.01')),
      ).toEqual(['ELECTION.INVALID_ID @ contests[0].electoralUnits[0].candidates[1].candidateId']);
    });
  });

  describe('ELECTION.DUPLICATE_ID', () => {
    it.each([
      [
        'districts',
        (d: ElectionDefinition) => (d.districts[1].districtId = 'north'),
        'districts[1].districtId',
      ],
      [
        'polling areas',
        (d: ElectionDefinition) => (d.pollingAreas[1].pollingAreaId = 'north-01'),
        'pollingAreas[1].pollingAreaId',
      ],
      ['contests', (d: ElectionDefinition) => (d.contests[1].contestId = 'na'), 'contests[1].contestId'],
      [
        'units within a contest',
        (d: ElectionDefinition) => (d.contests[1].electoralUnits[1].unitId = 'c-01'),
        'contests[1].electoralUnits[1].unitId',
      ],
      [
        'candidates within a unit',
        (d: ElectionDefinition) => (d.contests[0].electoralUnits[0].candidates[2].candidateId = 'na-01-1'),
        'contests[0].electoralUnits[0].candidates[2].candidateId',
      ],
      [
        'candidates across units of one contest',
        (d: ElectionDefinition) => (d.contests[1].electoralUnits[1].candidates[0].candidateId = 'c-01-1'),
        'contests[1].electoralUnits[1].candidates[0].candidateId',
      ],
    ])('rejects duplicate %s', (_what, change, field) => {
      expect(violationsAfter(change)).toContain(`ELECTION.DUPLICATE_ID @ ${field}`);
    });

    it('allows the same candidate id in two different contests', () => {
      expect(
        violationsAfter((d) => (d.contests[1].electoralUnits[0].candidates[0].candidateId = 'na-01-1')),
      ).toEqual([]);
    });
  });

  describe('ELECTION.UNKNOWN_DISTRICT', () => {
    it("rejects a polling area whose district doesn't exist", () => {
      expect(violationsAfter((d) => (d.pollingAreas[0].districtId = 'east'))).toEqual([
        'ELECTION.UNKNOWN_DISTRICT @ pollingAreas[0].districtId',
      ]);
    });
    it("rejects a unit listing a district that doesn't exist", () => {
      expect(violationsAfter((d) => d.contests[0].electoralUnits[0].districtIds!.push('east'))).toEqual([
        'ELECTION.UNKNOWN_DISTRICT @ contests[0].electoralUnits[0].districtIds[2]',
      ]);
    });
  });

  it("ELECTION.UNKNOWN_POLLING_AREA: rejects a unit listing a polling area that doesn't exist", () => {
    expect(violationsAfter((d) => d.contests[1].electoralUnits[1].pollingAreaIds!.push('south-99'))).toEqual([
      'ELECTION.UNKNOWN_POLLING_AREA @ contests[1].electoralUnits[1].pollingAreaIds[1]',
    ]);
  });

  describe('ELECTION.UNIT_COVERAGE', () => {
    it('rejects a unit with neither districtIds nor pollingAreaIds', () => {
      expect(violationsAfter((d) => delete d.contests[0].electoralUnits[0].districtIds)).toEqual([
        'ELECTION.UNIT_COVERAGE @ contests[0].electoralUnits[0]',
      ]);
    });
    it('rejects a unit with both', () => {
      expect(violationsAfter((d) => (d.contests[1].electoralUnits[1].districtIds = ['south']))).toEqual([
        'ELECTION.UNIT_COVERAGE @ contests[1].electoralUnits[1]',
      ]);
    });
    it('rejects an empty list', () => {
      expect(violationsAfter((d) => (d.contests[1].electoralUnits[1].pollingAreaIds = []))).toEqual([
        'ELECTION.UNIT_COVERAGE @ contests[1].electoralUnits[1]',
      ]);
    });
  });

  describe('ELECTION.POLLING_AREA_IN_TWO_UNITS', () => {
    it('rejects a polling area listed by two units of a contest', () => {
      expect(
        violationsAfter((d) => d.contests[1].electoralUnits[1].pollingAreaIds!.push('north-02')),
      ).toEqual(['ELECTION.POLLING_AREA_IN_TWO_UNITS @ contests[1].electoralUnits[1].pollingAreaIds[1]']);
    });
    it('rejects a district unit overlapping a polling-area unit', () => {
      const found = violationsAfter((d) =>
        d.contests[0].electoralUnits.push({
          unitId: 'na-02',
          name: 'Unit 2',
          seats: 1,
          pollingAreaIds: ['south-02'],
          candidates: [{ candidateId: 'na-02-1', name: 'X', birthDate: '1970-01-01' }],
        }),
      );
      expect(found).toEqual([
        'ELECTION.POLLING_AREA_IN_TWO_UNITS @ contests[0].electoralUnits[1].pollingAreaIds[0]',
      ]);
    });
    it('allows the same polling area in units of different contests', () => {
      expect(violationsAfter(() => undefined)).toEqual([]);
    });
  });

  describe('ELECTION.SEATS_OUT_OF_RANGE', () => {
    it.each([0, 4, 1.5])('rejects %p seats for 3 candidates', (seats) => {
      expect(violationsAfter((d) => (d.contests[0].electoralUnits[0].seats = seats))).toEqual([
        'ELECTION.SEATS_OUT_OF_RANGE @ contests[0].electoralUnits[0].seats',
      ]);
    });
    it('accepts seats equal to the number of candidates', () => {
      expect(violationsAfter((d) => (d.contests[0].electoralUnits[0].seats = 3))).toEqual([]);
    });
  });

  it.each([-1, 10.5, Number.NaN])('ELECTION.INVALID_REGISTERED_VOTERS: rejects %p', (voters) => {
    expect(violationsAfter((d) => (d.pollingAreas[2].registeredVoters = voters))).toEqual([
      'ELECTION.INVALID_REGISTERED_VOTERS @ pollingAreas[2].registeredVoters',
    ]);
  });

  describe('ELECTION.INVALID_DATE', () => {
    it.each(['2021-02-30', '23/05/2021', '2021-5-23'])('rejects pollingDate %p', (date) => {
      expect(violationsAfter((d) => (d.pollingDate = date))).toEqual(['ELECTION.INVALID_DATE @ pollingDate']);
    });
    it('rejects an impossible birthDate', () => {
      expect(
        violationsAfter((d) => (d.contests[1].electoralUnits[0].candidates[1].birthDate = '1972-13-01')),
      ).toEqual(['ELECTION.INVALID_DATE @ contests[1].electoralUnits[0].candidates[1].birthDate']);
    });
    it('accepts 29 February of a leap year', () => {
      expect(
        violationsAfter((d) => (d.contests[1].electoralUnits[0].candidates[1].birthDate = '1972-02-29')),
      ).toEqual([]);
    });
  });

  describe('ELECTION.INVALID_CONTEST_KIND', () => {
    it('accepts the four kinds of the law, and no kind at all', () => {
      for (const kind of CONTEST_KINDS)
        expect(violationsAfter((d) => (d.contests[0].kind = kind))).toEqual([]);
      expect(violationsAfter((d) => delete d.contests[0].kind)).toEqual([]);
    });
    it('rejects another kind', () => {
      expect(violationsAfter((d) => (d.contests[1].kind = 'senate' as ContestKind))).toEqual([
        'ELECTION.INVALID_CONTEST_KIND @ contests[1].kind',
      ]);
    });
  });

  describe('ELECTION.INVALID_PUBLISH_SCANS', () => {
    it.each([true, false])('accepts publishScans: %s', (value) => {
      expect(violationsAfter((d) => (d.publishScans = value))).toEqual([]);
    });
    it.each(['yes', 1, null])('rejects publishScans: %p', (value) => {
      expect(violationsAfter((d) => ((d as { publishScans?: unknown }).publishScans = value))).toEqual([
        'ELECTION.INVALID_PUBLISH_SCANS @ publishScans',
      ]);
    });
  });

  describe('ELECTION.INVALID_VERIFICATION and ELECTION.INVALID_REVIEW', () => {
    it.each([{ doubleEntry: true }, { doubleEntry: false }, {}])('accepts verification: %p', (value) => {
      expect(violationsAfter((d) => (d.verification = value))).toEqual([]);
    });
    it.each([{ doubleEntry: 'yes' }, { twice: true }, true, null, []])(
      'rejects verification: %p',
      (value) => {
        expect(violationsAfter((d) => ((d as { verification?: unknown }).verification = value))).toEqual([
          'ELECTION.INVALID_VERIFICATION @ verification',
        ]);
      },
    );
    it.each([{ holdOn: [] }, { holdOn: ['ANOMALY.VOTERS_EXCEED_LIST', 'ANOMALY.HIGH_INVALID_SHARE'] }, {}])(
      'accepts review: %p',
      (value) => {
        expect(violationsAfter((d) => (d.review = value))).toEqual([]);
      },
    );
    it.each([{ holdOn: ['ANOMALY.MADE_UP'] }, { holdOn: 'ANOMALY.VOTERS_EXCEED_LIST' }, { hold: [] }, null])(
      'rejects review: %p',
      (value) => {
        expect(violationsAfter((d) => ((d as { review?: unknown }).review = value))).toEqual([
          'ELECTION.INVALID_REVIEW @ review.holdOn',
        ]);
      },
    );
  });

  it('reports every broken rule at once', () => {
    const codes = violationsAfter((d) => {
      d.pollingAreas[0].districtId = 'east';
      d.contests[0].electoralUnits[0].seats = 0;
      d.pollingDate = 'tomorrow';
    });
    expect(codes).toHaveLength(3);
  });
});
