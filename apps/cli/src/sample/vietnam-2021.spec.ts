import { ElectionIndex, validateElectionDefinition } from '@tally/domain';
import { generateTallies } from './tally-generator';
import { generateVietnam2021, naSeats, VIETNAM_2021 } from './vietnam-2021';
import { PROVINCES } from './vietnam-provinces';

describe('the Vietnam 2021 sample (a national night)', () => {
  const definition = generateVietnam2021();
  const index = ElectionIndex.of(definition);
  const contest = (id: string) => definition.contests.find((c) => c.contestId === id)!;

  it('is deterministic', () => {
    expect(JSON.stringify(generateVietnam2021())).toBe(JSON.stringify(definition));
  });

  it('passes every definition rule', () => {
    expect(validateElectionDefinition(definition)).toEqual([]);
  });

  it('has the real structure: 63 provinces, ~85,000 polling areas, ~69.5 million voters', () => {
    expect(definition.districts).toHaveLength(63);
    expect(definition.pollingAreas).toHaveLength(VIETNAM_2021.pollingAreas);
    const voters = definition.pollingAreas.reduce((s, a) => s + a.registeredVoters, 0);
    expect(voters).toBe(VIETNAM_2021.registeredVoters);
    const hanoi = definition.pollingAreas.filter((a) => a.districtId === 'ha-noi');
    expect(hanoi).toHaveLength(4825);
    expect(hanoi.reduce((s, a) => s + a.registeredVoters, 0)).toBe(5_442_000);
  });

  it('has 184 National Assembly units with 500 seats, the real counts where known, 2 or 3 seats each', () => {
    const units = contest('na').electoralUnits;
    expect(units).toHaveLength(184);
    expect(units.reduce((s, u) => s + u.seats, 0)).toBe(500);
    expect(units.every((u) => u.seats === 2 || u.seats === 3)).toBe(true);
    expect(units.every((u) => u.candidates.length === u.seats + 2)).toBe(true);
    const seats = naSeats();
    PROVINCES.forEach((p, i) => {
      if (!p.na) return;
      expect([p.provinceId, seats[i].length, seats[i].reduce((a, b) => a + b, 0)]).toEqual([
        p.provinceId,
        p.na.units,
        p.na.seats,
      ]);
    });
    // Tuyên Quang: three units of 2 seats (NQ 64/NQ-HĐBCQG)
    expect(seats[PROVINCES.findIndex((p) => p.provinceId === 'tuyen-quang')]).toEqual([2, 2, 2]);
    // an NA unit never crosses a province
    for (const u of units) {
      expect(new Set(u.pollingAreaIds!.map((id) => index.pollingArea(id)!.districtId)).size).toBe(1);
    }
  });

  it('every polling area takes part in 2 to 4 contests: 2 only in the urban districts of the pilot cities', () => {
    const contestsOf = new Map<string, number>();
    for (const c of definition.contests) {
      for (const u of c.electoralUnits) {
        for (const id of u.pollingAreaIds!) contestsOf.set(id, (contestsOf.get(id) ?? 0) + 1);
      }
    }
    const counts = definition.pollingAreas.map((a) => contestsOf.get(a.pollingAreaId) ?? 0);
    expect(Math.min(...counts)).toBe(2);
    expect(Math.max(...counts)).toBe(4);
    const pilot = new Set(PROVINCES.filter((p) => p.urbanPilot).map((p) => p.provinceId));
    definition.pollingAreas.forEach((a, i) => {
      if (counts[i] === 2) expect(pilot.has(a.districtId)).toBe(true);
    });
    const sheets = counts.reduce((a, b) => a + b, 0);
    expect(sheets).toBeGreaterThan(320_000);
    expect(sheets).toBeLessThanOrEqual(340_000);
  });

  it('its generated night is a valid counting record for every polling area and contest', () => {
    const tallies = generateTallies(definition, { seed: 'spec', contests: ['na'] });
    expect(tallies).toHaveLength(VIETNAM_2021.pollingAreas);
  });
});
