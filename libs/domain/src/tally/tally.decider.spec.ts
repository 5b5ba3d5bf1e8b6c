import { ElectionIndex } from '../election/election-index';
import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext, validNaCounts } from '../testing/election-fixture';
import { CorrectTally, SubmitTally, TallyCommand } from './tally.commands';
import { decideTally, evolveTally, foldTally, initialTallyState } from './tally.decider';
import { TallyCorrected, TallySubmitted } from './tally.events';
import { TallyCounts } from './tally.types';

const index = ElectionIndex.of(smallElection());
const spec = DeciderSpecification.for({
  decide: (command: TallyCommand, state) => decideTally(command, state, index),
  evolve: evolveTally,
  initialState: initialTallyState,
});
const specWithoutElection = DeciderSpecification.for({
  decide: (command: TallyCommand, state) => decideTally(command, state, undefined),
  evolve: evolveTally,
  initialState: initialTallyState,
});

/** The same decider for a sheet whose unit is certified. */
const specCertified = DeciderSpecification.for({
  decide: (command: TallyCommand, state) => decideTally(command, state, index, { certified: true }),
  evolve: evolveTally,
  initialState: initialTallyState,
});

const placement = {
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  districtId: 'north',
  unitId: 'na-01',
};

const submit = (overrides: Partial<SubmitTally> = {}): SubmitTally => ({
  type: 'SubmitTally',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  submissionId: 'sub-1',
  counts: validNaCounts(),
  context: testContext('2021-05-23T19:30:00.000Z'),
  ...overrides,
});

const submitted: TallySubmitted = {
  type: 'TallySubmitted',
  data: {
    ...placement,
    submissionId: 'sub-1',
    counts: validNaCounts(),
    anomalies: [],
    submittedAt: '2021-05-23T19:30:00.000Z',
  },
};

/** validNaCounts with 10 ballots moved from invalid to valid and 10 more votes for na-01-3. */
const correctedCounts = (): TallyCounts => ({
  ...validNaCounts(),
  validBallots: 970,
  invalidBallots: 10,
  candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-3': 310 },
});

const correct = (overrides: Partial<CorrectTally> = {}): CorrectTally => ({
  type: 'CorrectTally',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  expectedRevision: 0,
  reason: '  Recount ordered by the district board  ',
  counts: correctedCounts(),
  context: testContext('2021-05-24T09:00:00.000Z'),
  ...overrides,
});

const corrected: TallyCorrected = {
  type: 'TallyCorrected',
  data: {
    ...placement,
    counts: correctedCounts(),
    previousCounts: validNaCounts(),
    changedFields: ['validBallots', 'invalidBallots', 'candidateVotes.na-01-3'],
    reason: 'Recount ordered by the district board',
    anomalies: [],
    correctedAt: '2021-05-24T09:00:00.000Z',
  },
};

describe('tally decider: SubmitTally', () => {
  it('records the first sheet with its placement resolved from the definition', () => {
    spec.given([]).when(submit()).then([submitted]);
  });

  it('stores the soft anomalies with the sheet', () => {
    const counts = { ...validNaCounts(), registeredVoters: 1010, ballotsIssued: 985 };
    const [event] = decideTally(submit({ counts }), initialTallyState(), index);
    expect(event.data.anomalies.map((a) => a.code)).toEqual([
      'ANOMALY.REGISTERED_VOTERS_DIFFER',
      'ANOMALY.BALLOTS_ISSUED_NOT_VOTERS_VOTED',
    ]);
  });

  it('is idempotent: a retry with the same submissionId and counts appends nothing', () => {
    spec.given([submitted]).when(submit()).thenNothing();
  });

  it('ignores candidate key order when recognising a retry', () => {
    const counts = { ...validNaCounts(), candidateVotes: { 'na-01-3': 300, 'na-01-2': 700, 'na-01-1': 900 } };
    spec.given([submitted]).when(submit({ counts })).thenNothing();
  });

  it('recognises a retry of the original submission even after a correction', () => {
    spec.given([submitted, corrected]).when(submit()).thenNothing();
  });

  it('TALLY.SUBMISSION_ID_REUSED: same submissionId, different counts (409)', () => {
    const error = spec
      .given([submitted])
      .when(submit({ counts: correctedCounts() }))
      .thenThrows('TALLY.SUBMISSION_ID_REUSED', 'conflict');
    expect(error.details.changedFields).toEqual(['validBallots', 'invalidBallots', 'candidateVotes.na-01-3']);
  });

  it('TALLY.ALREADY_SUBMITTED: a second sheet for the same area and contest (409, use a correction)', () => {
    const error = spec
      .given([submitted])
      .when(submit({ submissionId: 'sub-2' }))
      .thenThrows('TALLY.ALREADY_SUBMITTED', 'conflict');
    expect(error.message).toContain('use a correction');
  });

  it('ELECTION.NOT_FOUND when the election is not defined (404)', () => {
    specWithoutElection.given([]).when(submit()).thenThrows('ELECTION.NOT_FOUND', 'not_found');
  });

  it('TALLY.UNKNOWN_POLLING_AREA (404)', () => {
    spec
      .given([])
      .when(submit({ pollingAreaId: 'north-99' }))
      .thenThrows('TALLY.UNKNOWN_POLLING_AREA', 'not_found');
  });

  it('TALLY.UNKNOWN_CONTEST (404)', () => {
    spec
      .given([])
      .when(submit({ contestId: 'senate' }))
      .thenThrows('TALLY.UNKNOWN_CONTEST', 'not_found');
  });

  it('TALLY.POLLING_AREA_NOT_IN_CONTEST (422)', () => {
    const counts = { ...validNaCounts(), candidateVotes: { 'c-02-1': 500, 'c-02-2': 400 } };
    spec
      .given([])
      .when(submit({ pollingAreaId: 'south-02', contestId: 'council', counts }))
      .thenThrows('TALLY.POLLING_AREA_NOT_IN_CONTEST', 'invalid');
  });

  it('rejects a sheet that breaks the arithmetic, listing every rule (422)', () => {
    const counts = {
      ...validNaCounts(),
      invalidBallots: 30,
      candidateVotes: { 'na-01-1': 961, 'na-01-2': 700 },
    };
    spec
      .given([])
      .when(submit({ counts }))
      .thenViolates(
        'TALLY.BALLOTS_DO_NOT_ADD_UP',
        'TALLY.CANDIDATES_MISMATCH',
        'TALLY.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS',
      );
  });

  it('keeps only the count fields of the request in the event', () => {
    const counts = { ...validNaCounts(), extra: 1 } as TallyCounts;
    spec.given([]).when(submit({ counts })).then([submitted]);
  });
});

describe('tally decider: CorrectTally', () => {
  it('records the new counts, the counts they replace, the changed fields and the trimmed reason', () => {
    spec.given([submitted]).when(correct()).then([corrected]);
  });

  it('corrects a corrected sheet at its latest revision', () => {
    const again = correct({
      expectedRevision: 1,
      counts: validNaCounts(),
      reason: 'Data entry error reversed',
    });
    const [event] = decideTally(again, foldTally([submitted, corrected]), index);
    expect(event).toMatchObject({
      type: 'TallyCorrected',
      data: { counts: validNaCounts(), previousCounts: correctedCounts() },
    });
  });

  it('TALLY.NOT_FOUND: nothing to correct (404)', () => {
    spec.given([]).when(correct()).thenThrows('TALLY.NOT_FOUND', 'not_found');
  });

  it('TALLY.REVISION_MISMATCH: stale expected revision (412)', () => {
    spec
      .given([submitted, corrected])
      .when(correct({ expectedRevision: 0 }))
      .thenThrows('TALLY.REVISION_MISMATCH', 'stale');
  });

  it('TALLY.REASON_TOO_SHORT: fewer than 10 characters once trimmed (422)', () => {
    spec
      .given([submitted])
      .when(correct({ reason: '   typo    ' }))
      .thenThrows('TALLY.REASON_TOO_SHORT', 'invalid');
    spec
      .given([submitted])
      .when(correct({ reason: 'fixed typo' }))
      .then([{ ...corrected, data: { ...corrected.data, reason: 'fixed typo' } }]);
  });

  it('applies the same rules as a submission (422)', () => {
    spec
      .given([submitted])
      .when(correct({ counts: { ...correctedCounts(), votersVoted: 1001, ballotsIssued: 1001 } }))
      .thenViolates('TALLY.VOTERS_VOTED_EXCEED_REGISTERED');
  });

  it('TALLY.CORRECTION_CHANGES_NOTHING: identical counts (422)', () => {
    const sameInOtherOrder = {
      ...validNaCounts(),
      candidateVotes: { 'na-01-2': 700, 'na-01-3': 300, 'na-01-1': 900 },
    };
    spec
      .given([submitted])
      .when(correct({ counts: sameInOtherOrder }))
      .thenThrows('TALLY.CORRECTION_CHANGES_NOTHING', 'invalid');
  });

  it('ELECTION.NOT_FOUND when the election is not defined (404)', () => {
    specWithoutElection.given([submitted]).when(correct()).thenThrows('ELECTION.NOT_FOUND', 'not_found');
  });
  describe('with a correctionId (the client retry key)', () => {
    const keyed: TallyCorrected = { ...corrected, data: { ...corrected.data, correctionId: 'fix-1' } };

    it('stores the key with the correction', () => {
      spec
        .given([submitted])
        .when(correct({ correctionId: 'fix-1' }))
        .then([keyed]);
    });

    it('is idempotent: a retry with the same counts and reason appends nothing, even with its old If-Match', () => {
      spec
        .given([submitted, keyed])
        .when(correct({ correctionId: 'fix-1', expectedRevision: 0 }))
        .thenNothing();
    });

    it('TALLY.CORRECTION_ID_REUSED: the same key with other counts (409)', () => {
      spec
        .given([submitted, keyed])
        .when(correct({ correctionId: 'fix-1', counts: validNaCounts() }))
        .thenThrows('TALLY.CORRECTION_ID_REUSED', 'conflict');
    });

    it('TALLY.CORRECTION_ID_REUSED: the same key with another reason (409)', () => {
      spec
        .given([submitted, keyed])
        .when(correct({ correctionId: 'fix-1', reason: 'A different explanation' }))
        .thenThrows('TALLY.CORRECTION_ID_REUSED', 'conflict');
    });

    it('a new key is a new correction, checked against the current revision', () => {
      spec
        .given([submitted, keyed])
        .when(correct({ correctionId: 'fix-2', expectedRevision: 0, counts: validNaCounts() }))
        .thenThrows('TALLY.REVISION_MISMATCH', 'stale');
    });
  });
});

describe('tally decider: a certified unit locks its sheets', () => {
  it('TALLY.UNIT_CERTIFIED: a correction (409)', () => {
    const error = specCertified
      .given([submitted])
      .when(correct())
      .thenThrows('TALLY.UNIT_CERTIFIED', 'conflict');
    expect(error.details).toEqual({ contestId: 'na', unitId: 'na-01' });
  });
  it('TALLY.UNIT_CERTIFIED: another sheet for the area (409), instead of TALLY.ALREADY_SUBMITTED', () => {
    specCertified
      .given([submitted])
      .when(submit({ submissionId: 'sub-2' }))
      .thenThrows('TALLY.UNIT_CERTIFIED', 'conflict');
  });
  it('a retry of the stored submission or of a keyed correction still answers as before', () => {
    specCertified.given([submitted]).when(submit()).thenNothing();
    const keyed: TallyCorrected = { ...corrected, data: { ...corrected.data, correctionId: 'fix-1' } };
    specCertified
      .given([submitted, keyed])
      .when(correct({ correctionId: 'fix-1' }))
      .thenNothing();
  });
  it('an uncertified unit changes nothing', () => {
    DeciderSpecification.for({
      decide: (command: TallyCommand, state) => decideTally(command, state, index, { certified: false }),
      evolve: evolveTally,
      initialState: initialTallyState,
    })
      .given([submitted])
      .when(correct())
      .then([corrected]);
  });
});

describe('foldTally', () => {
  it('is empty with no events', () => {
    expect(foldTally([])).toEqual({ status: 'empty' });
  });

  it('tracks the current counts, the original submission and the revision', () => {
    expect(foldTally([submitted, corrected])).toEqual({
      status: 'recorded',
      placement,
      submissionId: 'sub-1',
      submittedCounts: validNaCounts(),
      submittedAt: '2021-05-23T19:30:00.000Z',
      counts: correctedCounts(),
      anomalies: [],
      revision: 1,
      countsRevision: 1,
      corrections: 1,
      correctionsById: {},
      scans: [],
      lastChangedAt: '2021-05-24T09:00:00.000Z',
      standing: 'counted',
      heldOn: [],
      entries: {
        'sub-1': {
          counts: validNaCounts(),
          revision: 0,
          status: 'submitted',
          anomalies: [],
          discrepancies: [],
        },
      },
    });
  });
});
