import { Candidate, ElectionDefinition, ElectoralUnit, PollingArea } from '@tally/domain';
import { HANOI_COUNCIL_UNITS, HANOI_DISTRICTS, HANOI_NA_UNITS } from './hanoi-districts';
import { SeededRandom } from './seeded-random';
import { SyntheticNames } from './synthetic-names';

/** Published figures for Hanoi, 23 May 2021 (see shared/domain/vietnam-elections.md). */
export const HANOI_2021 = {
  electionId: 'hn-2021',
  pollingAreas: 4825,
  /** "More than 5.44 million voters". */
  registeredVoters: 5_442_000,
  councilSeats: 95,
  councilCandidates: 160,
} as const;

const SEED = 20210523;

/**
 * A deterministic, realistic Hanoi 2021 definition: the real districts and National Assembly units; polling areas,
 * voter counts, the People's Council grouping and all candidate names and birth dates are synthetic.
 */
export function generateHanoi2021(): ElectionDefinition {
  const random = new SeededRandom(SEED);
  const names = new SyntheticNames(random);
  const pollingAreas = generatePollingAreas(random);
  const areasByDistrict = new Map<string, string[]>();
  for (const area of pollingAreas) {
    const list = areasByDistrict.get(area.districtId) ?? [];
    list.push(area.pollingAreaId);
    areasByDistrict.set(area.districtId, list);
  }

  const naUnits: ElectoralUnit[] = HANOI_NA_UNITS.map((unit, i) => {
    const unitId = `na-${pad(i + 1, 2)}`;
    return {
      unitId,
      name: `Đơn vị bầu cử số ${i + 1}`,
      seats: unit.seats,
      districtIds: [...unit.districtIds],
      // The withdrawn candidates' names are drawn too (and dropped), so the other names stay as they were.
      candidates: candidates(unitId, unit.candidates + unit.withdrawn, random, names).slice(
        0,
        unit.candidates,
      ),
    };
  });

  const seats = councilSeats();
  const councilUnits: ElectoralUnit[] = HANOI_COUNCIL_UNITS.map((unit, i) => {
    const unitId = `hdnd-tp-${pad(i + 1, 2)}`;
    // A seat count of 4 gets 7 candidates and 3 gets 5: 5 × 7 + 25 × 5 = 160.
    const candidateCount = seats[i] === 4 ? 7 : 5;
    const coverage = unit.half
      ? { pollingAreaIds: halfOf(areasByDistrict.get(unit.districtIds[0]) ?? [], unit.half) }
      : { districtIds: [...unit.districtIds] };
    return {
      unitId,
      name: `Đơn vị bầu cử số ${i + 1}`,
      seats: seats[i],
      ...coverage,
      candidates: candidates(unitId, candidateCount, random, names),
    };
  });

  return {
    electionId: HANOI_2021.electionId,
    name:
      'Bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND thành phố Hà Nội nhiệm kỳ 2021–2026 ' +
      '(sample: real districts and NA units; polling areas, voters, council grouping and candidate names are synthetic)',
    pollingDate: '2021-05-23',
    districts: HANOI_DISTRICTS.map((d) => ({ districtId: d.districtId, name: d.name })),
    pollingAreas,
    contests: [
      { contestId: 'na', name: 'Đại biểu Quốc hội khóa XV', electoralUnits: naUnits },
      {
        contestId: 'hdnd-tp',
        name: 'Đại biểu Hội đồng nhân dân thành phố Hà Nội nhiệm kỳ 2021–2026',
        electoralUnits: councilUnits,
      },
    ],
  };
}

/** 4,825 areas spread by population (largest remainder), voters around the city average with some small areas. */
function generatePollingAreas(random: SeededRandom): PollingArea[] {
  const totalPopulation = HANOI_DISTRICTS.reduce((sum, d) => sum + d.population, 0);
  const counts = largestRemainder(
    HANOI_DISTRICTS.map((d) => d.population / totalPopulation),
    HANOI_2021.pollingAreas,
  );
  const voters = largestRemainder(
    HANOI_DISTRICTS.map((d) => d.population / totalPopulation),
    HANOI_2021.registeredVoters,
  );

  return HANOI_DISTRICTS.flatMap((district, d) => {
    // Hospitals, barracks and remote hamlets get small polling areas; the rest vary ±30% around the average.
    const weights = Array.from({ length: counts[d] }, () =>
      random.next() < 0.03 ? random.between(0.35, 0.5) : random.between(0.7, 1.3),
    );
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const perArea = largestRemainder(
      weights.map((w) => w / weightSum),
      voters[d],
    );
    return perArea.map((registeredVoters, i) => ({
      pollingAreaId: `${district.districtId}-${pad(i + 1, 4)}`,
      districtId: district.districtId,
      registeredVoters,
      name: `Khu vực bỏ phiếu số ${i + 1}, ${district.name}`,
    }));
  });
}

/** 4 seats for the five most populous council units, 3 for the rest: 5 × 4 + 25 × 3 = 95. */
function councilSeats(): number[] {
  const population = new Map(HANOI_DISTRICTS.map((d) => [d.districtId, d.population]));
  const unitPopulation = HANOI_COUNCIL_UNITS.map(
    (u) => u.districtIds.reduce((sum, id) => sum + (population.get(id) ?? 0), 0) / (u.half ? 2 : 1),
  );
  const largest = new Set(
    unitPopulation
      .map((p, i) => ({ p, i }))
      .sort((a, b) => b.p - a.p || a.i - b.i)
      .slice(0, 5)
      .map((x) => x.i),
  );
  return unitPopulation.map((_, i) => (largest.has(i) ? 4 : 3));
}

function candidates(unitId: string, count: number, random: SeededRandom, names: SyntheticNames): Candidate[] {
  return Array.from({ length: count }, (_, i) => ({
    candidateId: `${unitId}-${i + 1}`,
    name: names.next(),
    birthDate: `${random.int(1955, 1992)}-${pad(random.int(1, 12), 2)}-${pad(random.int(1, 28), 2)}`,
  }));
}

function halfOf(ids: string[], half: 1 | 2): string[] {
  const middle = Math.ceil(ids.length / 2);
  return half === 1 ? ids.slice(0, middle) : ids.slice(middle);
}

/** Splits `total` into integers proportional to `shares` (which sum to 1), summing exactly to `total`. */
function largestRemainder(shares: number[], total: number): number[] {
  const exact = shares.map((s) => s * total);
  const result = exact.map(Math.floor);
  let left = total - result.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ r: x - Math.floor(x), i })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    result[i] += 1;
    left -= 1;
  }
  return result;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
