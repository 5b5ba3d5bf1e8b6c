import { ContestKind } from '../election/election.types';
import { decideUnitOutcome, seatsFilledEnough, UnitCandidateTally, UnitTally } from './winners';

const candidate = (candidateId: string, votes: number, birthDate = '1970-01-01'): UnitCandidateTally => ({
  candidateId,
  name: candidateId.toUpperCase(),
  birthDate,
  votes,
});

/** 1,000 listed voters, 900 voted, 880 valid ballots: a winner needs more than 440 votes. */
const unit = (candidates: UnitCandidateTally[], overrides: Partial<UnitTally> = {}): UnitTally => ({
  seats: 2,
  registeredVoters: 1000,
  votersVoted: 900,
  validBallots: 880,
  candidates,
  ...overrides,
});

const elected = (tally: UnitTally) =>
  decideUnitOutcome(tally)
    .candidates.filter((c) => c.elected)
    .map((c) => c.candidateId);

describe('decideUnitOutcome (Art. 78)', () => {
  it('elects the top vote-getters up to the seats', () => {
    const outcome = decideUnitOutcome(unit([candidate('a', 700), candidate('b', 800), candidate('c', 600)]));
    expect(outcome.candidates.map((c) => [c.candidateId, c.elected])).toEqual([
      ['b', true],
      ['a', true],
      ['c', false],
    ]);
    expect(outcome).toMatchObject({ status: 'seats_filled', electedCount: 2, unresolvedTie: false });
    expect(outcome.candidates[0].share).toBeCloseTo(800 / 880);
  });

  it('turnout not above half: nobody is elected and the result does not count', () => {
    const outcome = decideUnitOutcome(
      unit([candidate('a', 400), candidate('b', 300)], { votersVoted: 500, validBallots: 480 }),
    );
    expect(outcome).toMatchObject({
      status: 'turnout_not_above_half',
      turnoutAboveHalf: false,
      electedCount: 0,
    });
    expect(outcome.candidates.every((c) => !c.elected)).toBe(true);
  });

  it('turnout just above half counts', () => {
    const outcome = decideUnitOutcome(
      unit([candidate('a', 400), candidate('b', 300)], { votersVoted: 501, validBallots: 480, seats: 1 }),
    );
    expect(outcome).toMatchObject({ status: 'seats_filled', turnoutAboveHalf: true });
  });

  it('threshold: exactly half of the valid ballots is not enough', () => {
    const outcome = decideUnitOutcome(unit([candidate('a', 441), candidate('b', 440)]));
    expect(outcome.candidates.map((c) => [c.candidateId, c.passedThreshold, c.elected])).toEqual([
      ['a', true, true],
      ['b', false, false],
    ]);
  });

  it('seats unfilled: fewer candidates pass the threshold than there are seats (Art. 79 additional election)', () => {
    const outcome = decideUnitOutcome(unit([candidate('a', 600), candidate('b', 300), candidate('c', 200)]));
    expect(outcome).toMatchObject({ status: 'seats_unfilled', electedCount: 1 });
    expect(elected(unit([candidate('a', 600), candidate('b', 300), candidate('c', 200)]))).toEqual(['a']);
  });

  it('a tie for the last seat goes to the older candidate', () => {
    const tally = unit([
      candidate('a', 800),
      candidate('young', 600, '1985-03-01'),
      candidate('old', 600, '1960-07-15'),
    ]);
    expect(elected(tally)).toEqual(['a', 'old']);
    expect(decideUnitOutcome(tally).unresolvedTie).toBe(false);
  });

  it('flags a tie for the last seat between candidates born the same day as unresolved', () => {
    const outcome = decideUnitOutcome(
      unit([candidate('a', 800), candidate('x', 600, '1970-05-05'), candidate('y', 600, '1970-05-05')]),
    );
    expect(outcome.unresolvedTie).toBe(true);
    expect(outcome.electedCount).toBe(2);
  });

  it('a tie below the cut-off is not a problem', () => {
    const outcome = decideUnitOutcome(
      unit([candidate('a', 800), candidate('b', 700), candidate('x', 600), candidate('y', 600)]),
    );
    expect(outcome.unresolvedTie).toBe(false);
  });

  it('no ballots yet', () => {
    const outcome = decideUnitOutcome(
      unit([candidate('a', 0), candidate('b', 0)], { votersVoted: 0, validBallots: 0 }),
    );
    expect(outcome).toMatchObject({ status: 'no_ballots', electedCount: 0 });
    expect(outcome.candidates.map((c) => c.share)).toEqual([0, 0]);
  });
});

/**
 * A unit of `seats` seats with `winners` candidates above half of the 880 valid ballots and one below: exactly
 * `winners` are elected (when winners ≤ seats).
 */
function unitWith(seats: number, winners: number, kind?: ContestKind, overrides: Partial<UnitTally> = {}) {
  const above = Array.from({ length: winners }, (_, i) => candidate(`w${i}`, 441 + i));
  return unit([...above, candidate('loser', 100)], { seats, kind, ...overrides });
}

describe('the law’s outcome of a unit (Art. 79, 80)', () => {
  // prettier-ignore
  const table: [ContestKind | undefined, number, number, string, number][] = [
    // kind                 seats winners  outcome                   seatsUnfilled
    ['national-assembly',   3,    3,       'elected',                0],
    ['national-assembly',   3,    2,       'supplementary-required', 1],
    ['national-assembly',   1,    1,       'elected',                0],
    ['national-assembly',   1,    0,       'supplementary-required', 1],
    ['national-assembly',   2,    1,       'supplementary-required', 1],
    // Two thirds of 3 is 2: 2 winners suffice, 1 does not.
    ['provincial-council',  3,    3,       'elected',                0],
    ['provincial-council',  3,    2,       'elected',                1],
    ['provincial-council',  3,    1,       'supplementary-required', 2],
    // Two thirds of 5 is 3.33: 4 suffice, 3 do not.
    ['district-council',    5,    4,       'elected',                1],
    ['district-council',    5,    3,       'supplementary-required', 2],
    // Two thirds of 4 is 2.67: 3 suffice, 2 do not.
    ['commune-council',     4,    3,       'elected',                1],
    ['commune-council',     4,    2,       'supplementary-required', 2],
    // Two thirds of 1 is 0.67: the one seat must be filled.
    ['commune-council',     1,    1,       'elected',                0],
    ['commune-council',     1,    0,       'supplementary-required', 1],
    // Two thirds of 6 is exactly 4: 4 suffice, 3 do not.
    ['provincial-council',  6,    4,       'elected',                2],
    ['provincial-council',  6,    3,       'supplementary-required', 3],
    // No kind: the National Assembly rule, i.e. today's seats_filled / seats_unfilled.
    [undefined,             3,    3,       'elected',                0],
    [undefined,             3,    2,       'supplementary-required', 1],
  ];
  it.each(table)('%s, %i seats, %i winners → %s (%i unfilled)', (kind, seats, winners, outcome, unfilled) => {
    const result = decideUnitOutcome(unitWith(seats, winners, kind));
    expect(result.electedCount).toBe(winners);
    expect([result.outcome, result.seatsUnfilled, result.outcomeReason]).toEqual([outcome, unfilled, null]);
  });

  it('a unit without a kind keeps today’s status: elected exactly when the seats are filled', () => {
    expect(decideUnitOutcome(unitWith(2, 2)).status).toBe('seats_filled');
    expect(decideUnitOutcome(unitWith(2, 1)).status).toBe('seats_unfilled');
  });

  // prettier-ignore
  const turnout: [ContestKind | undefined, number, string, string | null][] = [
    // kind                 voted of 1,000  outcome                   reason
    ['national-assembly',   500,            're-vote-required',       'turnout-not-above-half'],
    ['national-assembly',   501,            'elected',                null],
    ['commune-council',     500,            're-vote-required',       'turnout-not-above-half'],
    ['commune-council',     501,            'elected',                null],
    ['provincial-council',  0,              're-vote-required',       'turnout-not-above-half'],
    [undefined,             499,            're-vote-required',       'turnout-not-above-half'],
  ];
  it.each(turnout)('%s, %i of 1,000 voted → %s (%s)', (kind, votersVoted, outcome, reason) => {
    const result = decideUnitOutcome(unitWith(1, 1, kind, { votersVoted, validBallots: 880 }));
    expect([result.outcome, result.outcomeReason]).toEqual([outcome, reason]);
    if (outcome === 're-vote-required') expect([result.electedCount, result.seatsUnfilled]).toEqual([0, 1]);
  });

  it('an annulled result requires a re-vote, elects nobody and leaves every seat unfilled', () => {
    const result = decideUnitOutcome(unitWith(2, 2, 'provincial-council', { annulled: true }));
    expect(result).toMatchObject({
      outcome: 're-vote-required',
      outcomeReason: 'annulled',
      electedCount: 0,
      seatsUnfilled: 2,
    });
    expect(result.candidates.some((c) => c.elected)).toBe(false);
  });

  it('no outcome while nothing is counted', () => {
    const result = decideUnitOutcome(
      unit([candidate('a', 0), candidate('b', 0)], {
        votersVoted: 0,
        validBallots: 0,
        kind: 'national-assembly',
      }),
    );
    expect([result.outcome, result.outcomeReason, result.seatsUnfilled]).toEqual([null, null, 2]);
  });
});

describe('seatsFilledEnough', () => {
  it.each([
    [3, 2, false],
    [3, 3, true],
  ] as const)('national-assembly: %i seats, %i elected → %p', (seats, elected, enough) => {
    expect(seatsFilledEnough('national-assembly', seats, elected)).toBe(enough);
  });
  it.each([
    [5, 3, false],
    [5, 4, true],
    [6, 4, true],
    [9, 5, false],
    [9, 6, true],
  ] as const)('councils: %i seats, %i elected → %p', (seats, elected, enough) => {
    for (const kind of ['provincial-council', 'district-council', 'commune-council'] as const) {
      expect(seatsFilledEnough(kind, seats, elected)).toBe(enough);
    }
  });
});
