import { decideUnitOutcome, UnitCandidateTally, UnitTally } from './winners';

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
