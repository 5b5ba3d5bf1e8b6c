import { checkTally, ElectionIndex, sheetExpectations } from '@tally/domain';
import { generateHanoi2021 } from './hanoi-2021';
import { generateTallies } from './tally-generator';

describe('generateTallies', () => {
  const def = generateHanoi2021();
  const index = ElectionIndex.of(def);
  const tallies = generateTallies(def, { seed: 42 });

  it('produces one sheet per polling area and contest', () => {
    expect(tallies).toHaveLength(4825 * 2);
    expect(new Set(tallies.map((t) => `${t.pollingAreaId}/${t.contestId}`)).size).toBe(4825 * 2);
  });

  it('every sheet passes checkTally without violations or anomalies', () => {
    const broken = tallies
      .map((t) => ({
        t,
        check: checkTally(t.counts, sheetExpectations(index, def.electionId, t.pollingAreaId, t.contestId)),
      }))
      .filter(({ check }) => check.violations.length > 0 || check.anomalies.length > 0);
    expect(broken.slice(0, 3)).toEqual([]);
  });

  it('gives each area the same turnout in every contest, between 96% and 100%', () => {
    const voted = new Map<string, number>();
    const odd: string[] = [];
    for (const { pollingAreaId, counts } of tallies) {
      if ((voted.get(pollingAreaId) ?? counts.votersVoted) !== counts.votersVoted)
        odd.push(`${pollingAreaId}: differs`);
      if (counts.votersVoted < counts.registeredVoters * 0.959) odd.push(`${pollingAreaId}: low turnout`);
      voted.set(pollingAreaId, counts.votersVoted);
    }
    expect(odd).toEqual([]);
    const registered = tallies
      .filter((t) => t.contestId === 'na')
      .reduce((s, t) => s + t.counts.registeredVoters, 0);
    const total = [...voted.values()].reduce((a, b) => a + b, 0);
    expect(total / registered).toBeGreaterThan(0.98);
  });

  it('votes respect one to `seats` names per valid ballot', () => {
    const outside = tallies.filter(({ pollingAreaId, contestId, counts }) => {
      const seats = index.unitOf(contestId, pollingAreaId)!.seats;
      const sum = Object.values(counts.candidateVotes).reduce((a, b) => a + b, 0);
      return sum < counts.validBallots || sum > counts.validBallots * seats;
    });
    expect(outside).toEqual([]);
  });

  it('is deterministic and independent of the contest filter', () => {
    expect(generateTallies(def, { seed: 42 })).toEqual(tallies);
    const naOnly = generateTallies(def, { seed: 42, contests: ['na'] });
    expect(naOnly).toEqual(tallies.filter((t) => t.contestId === 'na'));
    expect(generateTallies(def, { seed: 43, contests: ['na'] })).not.toEqual(naOnly);
  });
});
