import { validNaCounts } from '../testing/election-fixture';
import { countsEqual, diffCounts, normalizeCounts } from './tally-counts';

describe('tally counts', () => {
  it('compares candidate votes regardless of key order', () => {
    const a = validNaCounts();
    const b = { ...validNaCounts(), candidateVotes: { 'na-01-3': 300, 'na-01-1': 900, 'na-01-2': 700 } };
    expect(countsEqual(a, b)).toBe(true);
  });

  it('names the changed scalar and candidate fields', () => {
    const before = validNaCounts();
    const after = {
      ...validNaCounts(),
      validBallots: 961,
      invalidBallots: 19,
      candidateVotes: { 'na-01-1': 900, 'na-01-2': 701, 'na-01-3': 300 },
    };
    expect(diffCounts(before, after)).toEqual(['validBallots', 'invalidBallots', 'candidateVotes.na-01-2']);
    expect(countsEqual(before, after)).toBe(false);
  });

  it('treats a candidate present on one side only as changed', () => {
    const before = validNaCounts();
    const after = { ...validNaCounts(), candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-4': 0 } };
    expect(diffCounts(before, after)).toEqual(['candidateVotes.na-01-3', 'candidateVotes.na-01-4']);
  });

  it('drops properties that are not counts', () => {
    const dirty = { ...validNaCounts(), note: 'x' } as ReturnType<typeof validNaCounts>;
    expect(normalizeCounts(dirty)).toEqual(validNaCounts());
    expect(Object.keys(normalizeCounts(dirty))).not.toContain('note');
  });
});
