import { ElectionDefinition, ElectionIndex, ElectoralUnit, TallyCounts } from '@tally/domain';
import { hashString, SeededRandom } from './seeded-random';

export interface GeneratedTally {
  pollingAreaId: string;
  contestId: string;
  counts: TallyCounts;
}

export interface TallyGeneratorOptions {
  seed: number | string;
  /** Only these contests (default: all). Filtering never changes the sheets of the contests kept. */
  contests?: readonly string[];
}

/**
 * One valid counting record per polling area and contest, deterministic for a seed: turnout 96–100% (many areas at
 * 100%, as in Hanoi 2021), the same voters for every contest of an area, a few % invalid ballots, and candidate votes
 * consistent with each valid ballot keeping 1..seats names, so every sheet passes checkTally.
 */
export function generateTallies(def: ElectionDefinition, options: TallyGeneratorOptions): GeneratedTally[] {
  const index = ElectionIndex.of(def);
  const wanted = options.contests ? new Set(options.contests) : undefined;
  const seed = String(options.seed);
  const turnout = new Map<string, number>();
  const votersVotedOf = (area: { pollingAreaId: string; registeredVoters: number }): number => {
    let voted = turnout.get(area.pollingAreaId);
    if (voted === undefined) {
      const random = new SeededRandom(hashString(`${seed}/${area.pollingAreaId}`));
      const rate = random.next() < 0.43 ? 1 : random.between(0.96, 1);
      voted = Math.min(area.registeredVoters, Math.round(area.registeredVoters * rate));
      turnout.set(area.pollingAreaId, voted);
    }
    return voted;
  };

  const tallies: GeneratedTally[] = [];
  for (const contest of def.contests) {
    if (wanted && !wanted.has(contest.contestId)) continue;
    const popularity = new Map(
      contest.electoralUnits.map((unit) => [
        unit.unitId,
        unitPopularity(unit, `${seed}/${contest.contestId}/${unit.unitId}`),
      ]),
    );
    for (const area of def.pollingAreas) {
      const unit = index.unitOf(contest.contestId, area.pollingAreaId);
      if (!unit) continue;
      const random = new SeededRandom(hashString(`${seed}/${area.pollingAreaId}/${contest.contestId}`));
      const votersVoted = votersVotedOf(area);
      const invalidBallots = Math.round(votersVoted * random.between(0.005, 0.04));
      const validBallots = votersVoted - invalidBallots;
      tallies.push({
        pollingAreaId: area.pollingAreaId,
        contestId: contest.contestId,
        counts: {
          registeredVoters: area.registeredVoters,
          votersVoted,
          ballotsIssued: votersVoted,
          ballotsReceived: votersVoted,
          validBallots,
          invalidBallots,
          candidateVotes: candidateVotes(unit, popularity.get(unit.unitId) ?? [], validBallots, random),
        },
      });
    }
  }
  return tallies;
}

/**
 * The share of valid ballots that keeps each candidate's name. Voters strike out the names they reject, so a ballot
 * usually keeps close to `seats` names: the shares add up to 85–97% of the seats, each below 98%.
 */
function unitPopularity(unit: ElectoralUnit, seed: string): number[] {
  const random = new SeededRandom(hashString(seed));
  const raw = unit.candidates.map(() => random.between(0.3, 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  const target = unit.seats * random.between(0.85, 0.97);
  return raw.map((r) => Math.min(0.98, (r / sum) * target));
}

function candidateVotes(
  unit: ElectoralUnit,
  popularity: number[],
  validBallots: number,
  random: SeededRandom,
): Record<string, number> {
  const votes = unit.candidates.map((_, i) =>
    Math.min(validBallots, Math.floor(validBallots * popularity[i] * random.between(0.95, 1.05))),
  );
  // Keep the totals between one name per valid ballot and `seats` names per valid ballot.
  const cap = validBallots * unit.seats;
  let total = votes.reduce((a, b) => a + b, 0);
  if (total > cap) {
    for (let i = 0; i < votes.length; i++) votes[i] = Math.floor((votes[i] * cap) / total);
    total = votes.reduce((a, b) => a + b, 0);
  }
  for (let i = 0; total < validBallots && i < votes.length; i++) {
    const add = Math.min(validBallots - votes[i], validBallots - total);
    votes[i] += add;
    total += add;
  }
  return Object.fromEntries(unit.candidates.map((c, i) => [c.candidateId, votes[i]]));
}
