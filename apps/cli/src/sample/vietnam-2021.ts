import { Candidate, Contest, ElectionDefinition, ElectoralUnit, PollingArea } from '@tally/domain';
import { largestRemainder, pad, splitEvenly } from './apportion';
import { SeededRandom } from './seeded-random';
import { SyntheticNames } from './synthetic-names';
import { PROVINCES, type Province } from './vietnam-provinces';

/** Published figures for the whole country, 23 May 2021 (shared/domain/vietnam-elections.md). */
export const VIETNAM_2021 = {
  electionId: 'vn-2021',
  /** "Roughly 80,000–85,000 polling areas". */
  pollingAreas: 85_000,
  /** "More than 69 million voters"; the final count was about 69.5 million. */
  registeredVoters: 69_500_000,
  naUnits: 184,
  naSeats: 500,
  /** Hà Nội's own figures (4,825 polling areas, 5.44 million voters) are kept. */
  hanoi: { pollingAreas: 4825, registeredVoters: 5_442_000 },
} as const;

/** Average population (thousands) of a district-level unit: 705 of them for 96.2 million people. */
const DISTRICT_POPULATION = 136;
/** Average polling areas of a commune: ~10,600 communes for ~85,000 areas. */
const AREAS_PER_COMMUNE = 8;
const SEED = 'vietnam-2021';

interface District {
  id: string;
  urban: boolean;
  communes: PollingArea[][];
}

/**
 * A deterministic national night at real scale: one election whose "districts" are the 63 provinces, ~85,000
 * polling areas with ~69.5 million voters, the 184 National Assembly units with 500 seats (the real seat counts of
 * the provinces the press reported, see vietnam-provinces.ts; the others synthetic), and the three levels of
 * People's Councils — province, district, commune — so a polling area takes part in up to 4 contests (2 in the
 * urban districts of Hà Nội, TP Hồ Chí Minh and Đà Nẵng, which elected no district or commune council in 2021).
 * Districts, communes, polling areas, units below the province, candidates and birth dates are synthetic.
 */
export function generateVietnam2021(): ElectionDefinition {
  const random = new SeededRandom(SEED);
  const names = new SyntheticNames(random);
  const pollingAreas: PollingArea[] = [];
  const na: ElectoralUnit[] = [];
  const provincial: ElectoralUnit[] = [];
  const districtCouncils: ElectoralUnit[] = [];
  const communeCouncils: ElectoralUnit[] = [];
  const candidates = (unitId: string, count: number): Candidate[] =>
    Array.from({ length: count }, (_, i) => ({
      candidateId: `${unitId}-${i + 1}`,
      name: names.any(),
      birthDate: `${random.int(1955, 1995)}-${pad(random.int(1, 12), 2)}-${pad(random.int(1, 28), 2)}`,
    }));
  const unit = (unitId: string, name: string, seats: number, areas: PollingArea[], extra: number) => ({
    unitId,
    name,
    seats,
    pollingAreaIds: areas.map((a) => a.pollingAreaId),
    candidates: candidates(unitId, seats + extra),
  });

  const seats = naSeats();
  const areaCounts = apportion(
    (p) => p.population,
    VIETNAM_2021.pollingAreas,
    VIETNAM_2021.hanoi.pollingAreas,
  );
  const voterCounts = apportion(
    (p) => p.population,
    VIETNAM_2021.registeredVoters,
    VIETNAM_2021.hanoi.registeredVoters,
  );

  PROVINCES.forEach((province, p) => {
    const code = `p${pad(p + 1, 2)}`;
    const areas = provinceAreas(province, code, areaCounts[p], voterCounts[p], random);
    pollingAreas.push(...areas);
    const districts = splitDistricts(province, code, areas);

    // National Assembly: the province's districts grouped into its units, each unit 2 or 3 seats.
    const naGroups = splitEvenly(districts, seats[p].length, (d) => voters(d.communes.flat()));
    naGroups.forEach((group, u) => {
      const unitSeats = seats[p][u];
      // Two candidates more than seats: 5 for 3 seats, 4 for 2 (868 for the country; 866 stood in 2021).
      const unitAreas = group.flatMap((d) => d.communes.flat());
      na.push(unit(`na-${code}-${u + 1}`, `${province.name}, đơn vị số ${u + 1}`, unitSeats, unitAreas, 2));
    });
    // Provincial council: one unit per district, 3 to 5 seats by its size.
    districts.forEach((d, i) => {
      const areasOfDistrict = d.communes.flat();
      const unitSeats = Math.min(5, Math.max(3, Math.round(areasOfDistrict.length / 40)));
      provincial.push(
        unit(`ht-${d.id}`, `${province.name}, đơn vị HĐND tỉnh số ${i + 1}`, unitSeats, areasOfDistrict, 2),
      );
      if (d.urban) return;
      // District council: three units per district; commune council: one unit per commune.
      splitEvenly(areasOfDistrict, 3, (a) => a.registeredVoters).forEach((group, k) => {
        districtCouncils.push(unit(`hh-${d.id}-${k + 1}`, `Huyện ${d.id}, đơn vị số ${k + 1}`, 4, group, 2));
      });
      d.communes.forEach((commune, c) => {
        communeCouncils.push(unit(`hx-${d.id}-${c + 1}`, `Xã ${d.id}-${c + 1}`, 3, commune, 2));
      });
    });
  });

  const contests: Contest[] = [
    { contestId: 'na', name: 'Đại biểu Quốc hội khóa XV', electoralUnits: na },
    { contestId: 'hdnd-tinh', name: 'Đại biểu HĐND cấp tỉnh nhiệm kỳ 2021–2026', electoralUnits: provincial },
    {
      contestId: 'hdnd-huyen',
      name: 'Đại biểu HĐND cấp huyện nhiệm kỳ 2021–2026',
      electoralUnits: districtCouncils,
    },
    {
      contestId: 'hdnd-xa',
      name: 'Đại biểu HĐND cấp xã nhiệm kỳ 2021–2026',
      electoralUnits: communeCouncils,
    },
  ];
  return {
    electionId: VIETNAM_2021.electionId,
    name:
      'Bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021–2026, cả nước ' +
      '(sample: the real provinces and NA seat counts; districts, polling areas, voters and candidates are synthetic)',
    pollingDate: '2021-05-23',
    districts: PROVINCES.map((p) => ({ districtId: p.provinceId, name: p.name })),
    pollingAreas,
    contests,
  };
}

/** Shares of `total` by weight, with Hà Nội's own figure kept and the rest spread over the other provinces. */
function apportion(weight: (p: Province) => number, total: number, hanoi: number): number[] {
  const others = PROVINCES.filter((p) => p.provinceId !== 'ha-noi');
  const sum = others.reduce((s, p) => s + weight(p), 0);
  const shares = largestRemainder(
    others.map((p) => weight(p) / sum),
    total - hanoi,
  );
  let i = 0;
  return PROVINCES.map((p) => (p.provinceId === 'ha-noi' ? hanoi : shares[i++]));
}

/** Each province's NA seats per unit: the real ones where known; the others share what is left of 184 / 500. */
export function naSeats(): number[][] {
  const known = PROVINCES.map((p) => p.na);
  const knownUnits = known.reduce((s, k) => s + (k?.units ?? 0), 0);
  const knownSeats = known.reduce((s, k) => s + (k?.seats ?? 0), 0);
  const others = PROVINCES.map((p, i) => ({ p, i })).filter(({ p }) => !p.na);
  // Units: 2 each, one more for the most populous, until 184.
  const units = new Map(others.map(({ i }) => [i, 2]));
  const byPopulation = [...others].sort((a, b) => b.p.population - a.p.population || a.i - b.i);
  for (let k = 0, left = VIETNAM_2021.naUnits - knownUnits - 2 * others.length; left > 0; k++, left--) {
    units.set(byPopulation[k].i, 3);
  }
  // Seats: 2 per unit, and one more per unit (at most 3 per unit) by population until 500.
  const seats = new Map(others.map(({ i }) => [i, 2 * units.get(i)!]));
  let left = VIETNAM_2021.naSeats - knownSeats - [...seats.values()].reduce((s, x) => s + x, 0);
  while (left > 0) {
    const open = byPopulation.filter(({ i }) => seats.get(i)! < 3 * units.get(i)!);
    // the province with the most people per seat gets the next one
    const next = open.reduce((best, c) =>
      c.p.population / seats.get(c.i)! > best.p.population / seats.get(best.i)! ? c : best,
    );
    seats.set(next.i, seats.get(next.i)! + 1);
    left--;
  }
  return PROVINCES.map((p, i) => {
    const u = p.na?.units ?? units.get(i)!;
    const s = p.na?.seats ?? seats.get(i)!;
    // s - 2u units of 3 seats, the rest of 2 (Tuyên Quang: 3 units of 2; Cần Thơ: 3 + 2 + 2).
    return Array.from({ length: u }, (_, k) => (k < s - 2 * u ? 3 : 2));
  });
}

/** The province's polling areas: voters ±30% around its average, a few small ones (hospitals, remote hamlets). */
function provinceAreas(
  province: Province,
  code: string,
  count: number,
  registered: number,
  random: SeededRandom,
): PollingArea[] {
  const weights = Array.from({ length: count }, () =>
    random.next() < 0.03 ? random.between(0.35, 0.5) : random.between(0.7, 1.3),
  );
  const sum = weights.reduce((a, b) => a + b, 0);
  return largestRemainder(
    weights.map((w) => w / sum),
    registered,
  ).map((registeredVoters, i) => ({
    pollingAreaId: `${code}-${pad(i + 1, 5)}`,
    districtId: province.provinceId,
    registeredVoters,
  }));
}

/** The province's district-level units, each cut into communes of about AREAS_PER_COMMUNE polling areas. */
function splitDistricts(province: Province, code: string, areas: PollingArea[]): District[] {
  const count = Math.max(4, Math.round(province.population / DISTRICT_POPULATION));
  // In the pilot cities about half of the districts are urban (quận), the rest rural (huyện).
  const urbanCount = province.urbanPilot ? Math.round(count / 2) : 0;
  return splitEvenly(areas, count, () => 1).map((districtAreas, d) => ({
    id: `${code}-${pad(d + 1, 2)}`,
    urban: d < urbanCount,
    communes: splitEvenly(
      districtAreas,
      Math.max(1, Math.round(districtAreas.length / AREAS_PER_COMMUNE)),
      () => 1,
    ),
  }));
}

function voters(areas: PollingArea[]): number {
  return areas.reduce((sum, a) => sum + a.registeredVoters, 0);
}
