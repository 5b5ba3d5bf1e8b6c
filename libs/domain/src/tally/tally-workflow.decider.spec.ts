import fc from 'fast-check';
import { ElectionIndex } from '../election/election-index';
import { ElectionDefinition } from '../election/election.types';
import { CommandContext } from '../shared/event-metadata';
import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext, validNaCounts } from '../testing/election-fixture';
import { CorrectTally, ResolveDiscrepancy, ReviewTally, SubmitTally, TallyCommand } from './tally.commands';
import {
  decideTally,
  evolveTally,
  foldTally,
  initialTallyState,
  sheetStanding,
  TallyState,
} from './tally.decider';
import { TallyEvent, tallyEffect } from './tally.events';
import { TallyCounts } from './tally.types';

/** Second entry, review of held sheets and their interplay with corrections (issue 11 §2, §3). */

const withDefinition = (change: (d: ElectionDefinition) => void) => {
  const definition = smallElection();
  change(definition);
  return ElectionIndex.of(definition);
};
const doubleEntry = withDefinition((d) => (d.verification = { doubleEntry: true }));
const singleEntry = ElectionIndex.of(smallElection());

const specFor = (index: ElectionIndex, certified = false) =>
  DeciderSpecification.for({
    decide: (command: TallyCommand, state: TallyState) =>
      decideTally(command, state, index, certified ? { certified: true } : undefined),
    evolve: evolveTally,
    initialState: initialTallyState,
  });

const as = (actor: string, now = '2021-05-23T19:30:00.000Z'): CommandContext => ({
  ...testContext(now),
  actor: { id: actor, role: 'district-official', districts: ['north'] },
});

const placement = {
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  districtId: 'north',
  unitId: 'na-01',
};
const north02 = { ...placement, pollingAreaId: 'north-02' };

const entry = (overrides: Partial<SubmitTally> = {}): SubmitTally => ({
  type: 'SubmitTally',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  submissionId: 'entry-a',
  counts: validNaCounts(),
  context: as('official-a'),
  ...overrides,
});

/** validNaCounts with 10 more votes for na-01-3 and 10 fewer invalid ballots moved to valid. */
const otherCounts = (): TallyCounts => ({
  ...validNaCounts(),
  validBallots: 970,
  invalidBallots: 10,
  candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-3': 310 },
});

/** For north-02, whose list has 800 voters: 980 voted, so ANOMALY.VOTERS_EXCEED_LIST. */
const overTheList = (): TallyCounts => validNaCounts();
const withinTheList = (): TallyCounts => ({
  registeredVoters: 800,
  votersVoted: 700,
  ballotsIssued: 700,
  ballotsReceived: 700,
  validBallots: 690,
  invalidBallots: 10,
  candidateVotes: { 'na-01-1': 600, 'na-01-2': 500, 'na-01-3': 200 },
});

const firstEntry: TallyEvent = {
  type: 'TallySubmitted',
  data: {
    ...placement,
    submissionId: 'entry-a',
    counts: validNaCounts(),
    anomalies: [],
    submittedAt: '2021-05-23T19:30:00.000Z',
    standing: 'awaiting-second-entry',
    enteredBy: 'official-a',
  },
};

const agreeingSecond: TallyEvent = {
  type: 'TallySecondEntryRecorded',
  data: {
    ...placement,
    submissionId: 'entry-b',
    counts: validNaCounts(),
    anomalies: [],
    firstSubmissionId: 'entry-a',
    discrepancies: [],
    standing: 'counted',
    enteredAt: '2021-05-23T19:40:00.000Z',
  },
};

const differingSecond: TallyEvent = {
  type: 'TallySecondEntryRecorded',
  data: {
    ...placement,
    submissionId: 'entry-b',
    counts: otherCounts(),
    anomalies: [],
    firstSubmissionId: 'entry-a',
    discrepancies: ['validBallots', 'invalidBallots', 'candidateVotes.na-01-3'],
    standing: 'discrepancy',
    enteredAt: '2021-05-23T19:40:00.000Z',
  },
};

const resolve = (overrides: Partial<ResolveDiscrepancy> = {}): ResolveDiscrepancy => ({
  type: 'ResolveDiscrepancy',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  expectedRevision: 1,
  reason: 'Checked against the paper record',
  counts: otherCounts(),
  context: as('district-admin', '2021-05-23T20:00:00.000Z'),
  ...overrides,
});

const review = (overrides: Partial<ReviewTally> = {}): ReviewTally => ({
  type: 'ReviewTally',
  electionId: 'e-1',
  pollingAreaId: 'north-02',
  contestId: 'na',
  expectedRevision: 0,
  decision: 'release',
  reason: 'The list was extended on the day',
  context: as('district-admin', '2021-05-23T20:00:00.000Z'),
  ...overrides,
});

const correct = (overrides: Partial<CorrectTally> = {}): CorrectTally => ({
  type: 'CorrectTally',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  expectedRevision: 0,
  reason: 'Recount ordered by the district board',
  counts: otherCounts(),
  context: as('district-admin', '2021-05-24T09:00:00.000Z'),
  ...overrides,
});

const heldSubmission: TallyEvent = {
  type: 'TallySubmitted',
  data: {
    ...north02,
    submissionId: 'held-1',
    counts: overTheList(),
    anomalies: expect.arrayContaining([
      expect.objectContaining({ code: 'ANOMALY.VOTERS_EXCEED_LIST', field: 'votersVoted' }),
    ]) as never,
    submittedAt: '2021-05-23T19:30:00.000Z',
    standing: 'held',
    heldOn: ['ANOMALY.VOTERS_EXCEED_LIST'],
  },
};

describe('double entry (verification.doubleEntry)', () => {
  const spec = specFor(doubleEntry);

  it('a first entry awaits its second entry and names who made it', () => {
    spec.given([]).when(entry()).then([firstEntry]);
  });

  it('a retry of the first entry appends nothing, before and after the second entry', () => {
    spec.given([firstEntry]).when(entry()).thenNothing();
    spec.given([firstEntry, agreeingSecond]).when(entry()).thenNothing();
    // ... even when another official retries it: the key, not the actor, makes a retry.
    spec
      .given([firstEntry])
      .when(entry({ context: as('official-b') }))
      .thenNothing();
  });

  it('TALLY.SECOND_ENTRY_SAME_ACTOR: the same official cannot make the second entry (409)', () => {
    spec
      .given([firstEntry])
      .when(entry({ submissionId: 'entry-a2' }))
      .thenThrows('TALLY.SECOND_ENTRY_SAME_ACTOR', 'conflict');
  });

  it('the same figures from another official verify the sheet: it counts', () => {
    spec
      .given([firstEntry])
      .when(entry({ submissionId: 'entry-b', context: as('official-b', '2021-05-23T19:40:00.000Z') }))
      .then([agreeingSecond]);
    expect(sheetStanding(foldTally([firstEntry, agreeingSecond]))).toBe('counted');
  });

  it('other figures record a discrepancy naming every differing field; the sheet keeps the first figures', () => {
    spec
      .given([firstEntry])
      .when(
        entry({
          submissionId: 'entry-b',
          counts: otherCounts(),
          context: as('official-b', '2021-05-23T19:40:00.000Z'),
        }),
      )
      .then([differingSecond]);
    const state = foldTally([firstEntry, differingSecond]);
    expect(sheetStanding(state)).toBe('discrepancy');
    expect(state.status === 'recorded' && state.counts).toEqual(validNaCounts());
  });

  it('a retry of the second entry appends nothing; its key with other figures is refused (409)', () => {
    spec
      .given([firstEntry, differingSecond])
      .when(entry({ submissionId: 'entry-b', counts: otherCounts(), context: as('official-b') }))
      .thenNothing();
    spec
      .given([firstEntry, differingSecond])
      .when(entry({ submissionId: 'entry-b', context: as('official-b') }))
      .thenThrows('TALLY.SUBMISSION_ID_REUSED', 'conflict');
  });

  it('a third entry is refused like any second sheet (409 TALLY.ALREADY_SUBMITTED)', () => {
    spec
      .given([firstEntry, agreeingSecond])
      .when(entry({ submissionId: 'entry-c', context: as('official-c') }))
      .thenThrows('TALLY.ALREADY_SUBMITTED', 'conflict');
    spec
      .given([firstEntry, differingSecond])
      .when(entry({ submissionId: 'entry-c', context: as('official-c') }))
      .thenThrows('TALLY.ALREADY_SUBMITTED', 'conflict');
  });

  it('a second entry obeys the same arithmetic (422) and appends nothing', () => {
    spec
      .given([firstEntry])
      .when(
        entry({
          submissionId: 'entry-b',
          counts: { ...validNaCounts(), validBallots: 10 },
          context: as('official-b'),
        }),
      )
      .thenViolates('TALLY.BALLOTS_DO_NOT_ADD_UP');
  });

  it('TALLY.AWAITING_SECOND_ENTRY and TALLY.DISCREPANCY_UNRESOLVED: no correction until the entries settle (409)', () => {
    spec.given([firstEntry]).when(correct()).thenThrows('TALLY.AWAITING_SECOND_ENTRY', 'conflict');
    spec
      .given([firstEntry, differingSecond])
      .when(correct({ expectedRevision: 1 }))
      .thenThrows('TALLY.DISCREPANCY_UNRESOLVED', 'conflict');
  });

  it('a verified sheet is corrected as usual', () => {
    const [event] = decideTally(
      correct({ expectedRevision: 1 }),
      foldTally([firstEntry, agreeingSecond]),
      doubleEntry,
    );
    expect(event).toMatchObject({ type: 'TallyCorrected', data: { previousCounts: validNaCounts() } });
    expect(event.data).not.toHaveProperty('standing');
  });

  it('without doubleEntry a second sheet is still TALLY.ALREADY_SUBMITTED and a first one counts at once', () => {
    const [event] = decideTally(entry(), initialTallyState(), singleEntry);
    expect(event.data).not.toHaveProperty('standing');
    expect(event.data).not.toHaveProperty('enteredBy');
    specFor(singleEntry)
      .given([event])
      .when(entry({ submissionId: 'entry-b', context: as('official-b') }))
      .thenThrows('TALLY.ALREADY_SUBMITTED');
  });
});

describe('resolving a discrepancy', () => {
  const spec = specFor(doubleEntry);
  const resolved: TallyEvent = {
    type: 'TallyDiscrepancyResolved',
    data: {
      ...placement,
      counts: otherCounts(),
      firstCounts: validNaCounts(),
      secondCounts: otherCounts(),
      reason: 'Checked against the paper record',
      anomalies: [],
      standing: 'counted',
      resolvedAt: '2021-05-23T20:00:00.000Z',
    },
  };

  it('records the figures of the paper record, both entries and the reason: the sheet counts', () => {
    spec.given([firstEntry, differingSecond]).when(resolve()).then([resolved]);
    const state = foldTally([firstEntry, differingSecond, resolved]);
    expect(sheetStanding(state)).toBe('counted');
    expect(state.status === 'recorded' && state.countsRevision).toBe(2);
  });

  it('a retry (same If-Match, figures and reason) appends nothing; another body at the old If-Match is stale (412)', () => {
    spec.given([firstEntry, differingSecond, resolved]).when(resolve()).thenNothing();
    spec
      .given([firstEntry, differingSecond, resolved])
      .when(resolve({ reason: 'Another look at the record' }))
      .thenThrows('TALLY.NO_DISCREPANCY', 'conflict');
  });

  it('TALLY.NO_DISCREPANCY: only a sheet in discrepancy is resolved (409)', () => {
    spec
      .given([firstEntry])
      .when(resolve({ expectedRevision: 0 }))
      .thenThrows('TALLY.NO_DISCREPANCY', 'conflict');
    spec.given([firstEntry, agreeingSecond]).when(resolve()).thenThrows('TALLY.NO_DISCREPANCY', 'conflict');
  });

  it('TALLY.NOT_FOUND (404), TALLY.REVISION_MISMATCH (412), TALLY.REASON_TOO_SHORT and the arithmetic (422)', () => {
    spec.given([]).when(resolve()).thenThrows('TALLY.NOT_FOUND', 'not_found');
    spec
      .given([firstEntry, differingSecond])
      .when(resolve({ expectedRevision: 0 }))
      .thenThrows('TALLY.REVISION_MISMATCH', 'stale');
    spec
      .given([firstEntry, differingSecond])
      .when(resolve({ reason: ' short ', counts: { ...otherCounts(), invalidBallots: 99 } }))
      .thenViolates('TALLY.REASON_TOO_SHORT', 'TALLY.BALLOTS_DO_NOT_ADD_UP');
  });

  it('figures that an anomaly holds are held after the resolution', () => {
    const index = withDefinition((d) => {
      d.verification = { doubleEntry: true };
      d.review = { holdOn: ['ANOMALY.HIGH_INVALID_SHARE'] };
    });
    const manyInvalid = {
      ...otherCounts(),
      validBallots: 780,
      invalidBallots: 200,
      candidateVotes: { 'na-01-1': 700, 'na-01-2': 500, 'na-01-3': 300 },
    };
    const [event] = decideTally(
      resolve({ counts: manyInvalid }),
      foldTally([firstEntry, differingSecond]),
      index,
    );
    expect(event.data).toMatchObject({ standing: 'held', heldOn: ['ANOMALY.HIGH_INVALID_SHARE'] });
  });
});

describe('review of held sheets (review.holdOn)', () => {
  const spec = specFor(singleEntry);
  const submitNorth02 = (counts: TallyCounts, submissionId = 'held-1') =>
    entry({ pollingAreaId: 'north-02', submissionId, counts, context: testContext() });

  it('ANOMALY.VOTERS_EXCEED_LIST: more voters voted than the list in the definition has; held by default', () => {
    spec.given([]).when(submitNorth02(overTheList())).then([heldSubmission]);
    expect(
      sheetStanding(foldTally(decideTally(submitNorth02(overTheList()), initialTallyState(), singleEntry))),
    ).toBe('held');
  });

  it('a sheet within its list counts at once', () => {
    const [event] = decideTally(submitNorth02(withinTheList()), initialTallyState(), singleEntry);
    expect(event.data.anomalies.map((a) => a.code)).not.toContain('ANOMALY.VOTERS_EXCEED_LIST');
    expect(sheetStanding(foldTally([event]))).toBe('counted');
  });

  it('"holdOn": [] holds nothing; a listed code holds (here ANOMALY.HIGH_INVALID_SHARE)', () => {
    const none = withDefinition((d) => (d.review = { holdOn: [] }));
    const [event] = decideTally(submitNorth02(overTheList()), initialTallyState(), none);
    expect(event.data).not.toHaveProperty('standing');
    expect(event.data.anomalies.map((a) => a.code)).toContain('ANOMALY.VOTERS_EXCEED_LIST');

    const invalid = withDefinition((d) => (d.review = { holdOn: ['ANOMALY.HIGH_INVALID_SHARE'] }));
    const counts = {
      ...validNaCounts(),
      validBallots: 780,
      invalidBallots: 200,
      candidateVotes: { 'na-01-1': 700, 'na-01-2': 500, 'na-01-3': 300 },
    };
    const [flagged] = decideTally(entry({ counts }), initialTallyState(), invalid);
    expect(flagged.data).toMatchObject({ standing: 'held', heldOn: ['ANOMALY.HIGH_INVALID_SHARE'] });
  });

  it('with double entry a sheet is verified first, then held', () => {
    const index = withDefinition((d) => (d.verification = { doubleEntry: true }));
    const first = decideTally(submitNorth02(overTheList()), initialTallyState(), index);
    expect(first[0].data).toMatchObject({ standing: 'awaiting-second-entry' });
    const second = decideTally(
      entry({
        pollingAreaId: 'north-02',
        submissionId: 'held-2',
        counts: overTheList(),
        context: as('official-b'),
      }),
      foldTally(first),
      index,
    );
    expect(second[0].data).toMatchObject({
      standing: 'held',
      heldOn: ['ANOMALY.VOTERS_EXCEED_LIST'],
      discrepancies: [],
    });
  });

  const stored = decideTally(submitNorth02(overTheList()), initialTallyState(), singleEntry);

  it('release: the sheet counts, with the decision, its reason and the codes that held it', () => {
    specFor(singleEntry)
      .given(stored)
      .when(review())
      .then([
        {
          type: 'TallyReviewed',
          data: {
            ...north02,
            decision: 'release',
            reason: 'The list was extended on the day',
            heldOn: ['ANOMALY.VOTERS_EXCEED_LIST'],
            standing: 'counted',
            reviewedAt: '2021-05-23T20:00:00.000Z',
          },
        },
      ]);
    const released = foldTally([...stored, ...decideTally(review(), foldTally(stored), singleEntry)]);
    expect(sheetStanding(released)).toBe('counted');
  });

  it('correction-required: it stays out until a correction arrives; the correction is judged again', () => {
    const sentBack = [
      ...stored,
      ...decideTally(review({ decision: 'correction-required' }), foldTally(stored), singleEntry),
    ];
    expect(sheetStanding(foldTally(sentBack))).toBe('correction-required');
    const fixed = decideTally(
      correct({ pollingAreaId: 'north-02', expectedRevision: 1, counts: withinTheList() }),
      foldTally(sentBack),
      singleEntry,
    );
    expect(sheetStanding(foldTally([...sentBack, ...fixed]))).toBe('counted');
    const stillOver = decideTally(
      correct({
        pollingAreaId: 'north-02',
        expectedRevision: 1,
        counts: {
          ...overTheList(),
          invalidBallots: 10,
          validBallots: 970,
          candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-3': 310 },
        },
      }),
      foldTally(sentBack),
      singleEntry,
    );
    expect(sheetStanding(foldTally([...sentBack, ...stillOver]))).toBe('held');
  });

  it('a retry of the decision appends nothing; TALLY.NOT_HELD for a sheet not held (409)', () => {
    const released = [...stored, ...decideTally(review(), foldTally(stored), singleEntry)];
    spec.given(released).when(review()).thenNothing();
    spec
      .given(released)
      .when(review({ decision: 'correction-required' }))
      .thenThrows('TALLY.NOT_HELD', 'conflict');
    spec.given([]).when(review()).thenThrows('TALLY.NOT_FOUND', 'not_found');
  });

  it('TALLY.REVISION_MISMATCH (412), TALLY.REASON_TOO_SHORT and TALLY.INVALID_DECISION (422)', () => {
    spec
      .given(stored)
      .when(review({ expectedRevision: 3 }))
      .thenThrows('TALLY.REVISION_MISMATCH', 'stale');
    spec
      .given(stored)
      .when(review({ reason: 'ok', decision: 'approve' as never }))
      .thenViolates('TALLY.REASON_TOO_SHORT', 'TALLY.INVALID_DECISION');
  });
});

describe('a certified unit locks the workflow too (409 TALLY.UNIT_CERTIFIED)', () => {
  it('second entry, resolution and review', () => {
    const spec = specFor(doubleEntry, true);
    spec
      .given([firstEntry])
      .when(entry({ submissionId: 'entry-b', context: as('official-b') }))
      .thenThrows('TALLY.UNIT_CERTIFIED');
    spec.given([firstEntry, differingSecond]).when(resolve()).thenThrows('TALLY.UNIT_CERTIFIED');
    specFor(singleEntry, true)
      .given(
        decideTally(
          entry({ pollingAreaId: 'north-02', submissionId: 'h', counts: overTheList() }),
          initialTallyState(),
          singleEntry,
        ),
      )
      .when(review())
      .thenThrows('TALLY.UNIT_CERTIFIED');
  });
});

describe('tallyEffect: the projections read the same standing as the decider folds', () => {
  it('for every event of any workflow run, standing and figures agree with the fold', () => {
    const steps: Array<(state: TallyState) => TallyCommand> = [
      () => entry(),
      () => entry({ submissionId: 'entry-b', context: as('official-b') }),
      () => entry({ submissionId: 'entry-b', counts: otherCounts(), context: as('official-b') }),
      (s) => resolve({ expectedRevision: s.status === 'recorded' ? s.revision : 0 }),
      (s) => correct({ expectedRevision: s.status === 'recorded' ? s.revision : 0 }),
      (s) =>
        correct({
          expectedRevision: s.status === 'recorded' ? s.revision : 0,
          counts: { ...validNaCounts(), registeredVoters: 1000, votersVoted: 1000, ballotsIssued: 1000 },
          reason: 'Count of the voters corrected',
        }),
      (s) =>
        review({ pollingAreaId: 'north-01', expectedRevision: s.status === 'recorded' ? s.revision : 0 }),
      (s) =>
        review({
          pollingAreaId: 'north-01',
          decision: 'correction-required',
          expectedRevision: s.status === 'recorded' ? s.revision : 0,
        }),
    ];
    const indexes = [
      doubleEntry,
      withDefinition((d) => {
        d.verification = { doubleEntry: true };
        d.pollingAreas[0].registeredVoters = 990;
      }),
    ];
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(...indexes),
        fc.array(fc.nat(steps.length - 1), { minLength: 4, maxLength: 24 }),
        (index, picks) => {
          let state: TallyState = initialTallyState();
          let counts: TallyCounts | undefined;
          for (const pick of picks) {
            let events: TallyEvent[] = [];
            try {
              events = decideTally(steps[pick](state), state, index);
            } catch {
              continue; // a refusal appends nothing
            }
            for (const event of events) {
              state = evolveTally(state, event);
              const effect = tallyEffect(event.type, event.data as unknown as Record<string, unknown>);
              expect(effect?.standing).toBe(sheetStanding(state));
              reached.add(`${event.type}:${sheetStanding(state)}`);
              if (effect?.counts) counts = effect.counts;
              expect(state.status === 'recorded' && state.counts).toEqual(counts);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The runs went through every step of the workflow, not just the first entries.
    expect([...reached].sort()).toEqual([
      'TallyCorrected:counted',
      'TallyCorrected:held',
      'TallyDiscrepancyResolved:counted',
      'TallyReviewed:correction-required',
      'TallyReviewed:counted',
      'TallySecondEntryRecorded:counted',
      'TallySecondEntryRecorded:discrepancy',
      'TallySubmitted:awaiting-second-entry',
    ]);
  });
});
