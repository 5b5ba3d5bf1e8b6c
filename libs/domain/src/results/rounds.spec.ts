import { ContestKind } from '../election/election.types';
import { combineRounds } from './rounds';
import { decideUnitOutcome, UnitOutcome } from './winners';

/**
 * A unit of `seats` seats where `winners` candidates passed (each 600 of 1,000 valid ballots) and the rest did not
 * (100 each): 1,000 listed voters, `voted` voted.
 */
function round(
  seats: number,
  winners: number,
  prefix: string,
  voted = 1000,
  candidates = seats + 1,
): UnitOutcome {
  return decideUnitOutcome({
    seats,
    registeredVoters: 1000,
    votersVoted: voted,
    validBallots: voted,
    candidates: Array.from({ length: Math.max(candidates, winners) }, (_, i) => ({
      candidateId: `${prefix}-${i + 1}`,
      name: `${prefix} ${i + 1}`,
      birthDate: '1970-01-01',
      votes: i < winners ? Math.floor(voted * 0.6) - i : Math.floor(voted * 0.1),
    })),
  });
}

const original = (kind: ContestKind | undefined, seats: number, winners: number) => ({
  contestId: 'orig',
  kind,
  seats,
  outcome: round(seats, winners, 'o'),
});

describe('combineRounds (Art. 79 supplementary, Art. 80 re-vote)', () => {
  it('without rounds the unit keeps its own outcome', () => {
    const combined = combineRounds(original('national-assembly', 3, 2), []);
    expect(combined).toMatchObject({
      outcome: 'supplementary-required',
      seatsUnfilled: 1,
      decidedBy: 'orig',
    });
    expect(combined.elected.map((w) => w.candidateId)).toEqual(['o-1', 'o-2']);
  });

  // Each row: kind, seats, winners in the original, winners in the supplementary round → combined outcome, unfilled.
  it.each<[ContestKind | undefined, number, number, number, string, number]>([
    // National Assembly (and no kind): every seat.
    ['national-assembly', 3, 2, 1, 'elected', 0],
    ['national-assembly', 3, 1, 1, 'supplementary-required', 1],
    ['national-assembly', 3, 1, 2, 'elected', 0],
    ['national-assembly', 3, 2, 0, 'supplementary-required', 1],
    [undefined, 2, 1, 1, 'elected', 0],
    [undefined, 2, 0, 1, 'supplementary-required', 1],
    // Councils: two thirds (3 seats: 2; 5 seats: 4 since 3/5 < 2/3; 6 seats: 4).
    ['commune-council', 3, 1, 1, 'elected', 1],
    ['commune-council', 3, 0, 1, 'supplementary-required', 2],
    ['commune-council', 5, 2, 1, 'supplementary-required', 2],
    ['commune-council', 5, 2, 2, 'elected', 1],
    ['district-council', 6, 2, 2, 'elected', 2],
    ['district-council', 6, 2, 1, 'supplementary-required', 3],
    ['provincial-council', 4, 1, 2, 'elected', 1],
    ['provincial-council', 4, 1, 1, 'supplementary-required', 2],
  ])(
    '%s, %i seats, %i elected, supplementary elects %i → %s, %i unfilled',
    (kind, seats, before, added, outcome, unfilled) => {
      const unfilledBefore = seats - before;
      const combined = combineRounds(original(kind, seats, before), [
        { contestId: 'sup', kind: 'supplementary', outcome: round(unfilledBefore, added, 's') },
      ]);
      expect(combined).toMatchObject({
        outcome,
        seatsUnfilled: unfilled,
        outcomeReason: null,
        decidedBy: 'sup',
      });
      expect(combined.elected.filter((w) => w.contestId === 'sup')).toHaveLength(added);
      expect(combined.elected.filter((w) => w.contestId === 'orig')).toHaveLength(before);
    },
  );

  it('a supplementary round adds at most the seats still unfilled, and nobody twice', () => {
    // The round was defined for 3 seats but only 1 is unfilled; o-1 (already elected) stands again and wins too.
    const sup = decideUnitOutcome({
      seats: 3,
      registeredVoters: 1000,
      votersVoted: 1000,
      validBallots: 1000,
      candidates: ['o-1', 's-1', 's-2', 's-3'].map((candidateId, i) => ({
        candidateId,
        name: candidateId,
        birthDate: '1970-01-01',
        votes: 900 - i * 10,
      })),
    });
    const combined = combineRounds(original('national-assembly', 3, 2), [
      { contestId: 'sup', kind: 'supplementary', outcome: sup },
    ]);
    expect(combined.elected.map((w) => `${w.contestId}:${w.candidateId}`)).toEqual([
      'orig:o-1',
      'orig:o-2',
      'sup:s-1',
    ]);
    expect(combined).toMatchObject({ outcome: 'elected', seatsUnfilled: 0 });
  });

  it('a round with nothing counted yet changes nothing', () => {
    const combined = combineRounds(original('national-assembly', 3, 2), [
      { contestId: 'sup', kind: 'supplementary', outcome: round(1, 0, 's', 0) },
    ]);
    expect(combined).toMatchObject({
      outcome: 'supplementary-required',
      seatsUnfilled: 1,
      decidedBy: 'orig',
    });
  });

  it('a supplementary round that fails on turnout asks for its re-vote', () => {
    const combined = combineRounds(original('national-assembly', 3, 2), [
      { contestId: 'sup', kind: 'supplementary', outcome: round(1, 1, 's', 500) },
    ]);
    expect(combined).toMatchObject({
      outcome: 're-vote-required',
      outcomeReason: 'turnout-not-above-half',
      seatsUnfilled: 1,
    });
  });

  it.each<[number, number, string, number]>([
    // Turnout of the re-vote (of 1,000 listed) → its outcome replaces the unit's.
    [500, 3, 're-vote-required', 3],
    [501, 3, 'elected', 0],
    [900, 2, 'supplementary-required', 1],
  ])(
    'a re-vote with %i voted and %i winners replaces the unit: %s, %i unfilled',
    (voted, winners, outcome, unfilled) => {
      const failed = {
        contestId: 'orig',
        kind: 'commune-council' as const,
        seats: 3,
        outcome: round(3, 3, 'o', 400),
      };
      expect(failed.outcome.outcome).toBe('re-vote-required');
      const combined = combineRounds({ ...failed, kind: 'national-assembly' }, [
        { contestId: 'rv', kind: 're-vote', outcome: round(3, winners, 'r', voted) },
      ]);
      expect(combined).toMatchObject({ outcome, seatsUnfilled: unfilled, decidedBy: 'rv' });
      expect(combined.elected.every((w) => w.contestId === 'rv')).toBe(true);
    },
  );

  it('a re-vote replaces even a unit that had winners (annulled results are void)', () => {
    const combined = combineRounds(original('commune-council', 3, 3), [
      { contestId: 'rv', kind: 're-vote', outcome: round(3, 2, 'r') },
    ]);
    expect(combined.elected.map((w) => w.candidateId)).toEqual(['r-1', 'r-2']);
    expect(combined).toMatchObject({ outcome: 'supplementary-required', seatsUnfilled: 1 });
  });

  it('rounds fold in order: a re-vote, then a supplementary round of it', () => {
    const combined = combineRounds(original('national-assembly', 2, 0), [
      { contestId: 'rv', kind: 're-vote', outcome: round(2, 1, 'r') },
      { contestId: 'sup', kind: 'supplementary', outcome: round(1, 1, 's') },
    ]);
    expect(combined.elected.map((w) => `${w.contestId}:${w.candidateId}`)).toEqual(['rv:r-1', 'sup:s-1']);
    expect(combined).toMatchObject({ outcome: 'elected', seatsUnfilled: 0, decidedBy: 'sup' });
  });
});
