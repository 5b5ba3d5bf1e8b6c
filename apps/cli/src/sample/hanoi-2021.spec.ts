import { ElectionIndex, validateElectionDefinition } from '@tally/domain';
import { generateHanoi2021 } from './hanoi-2021';
import { HANOI_DISTRICTS } from './hanoi-districts';

describe('generateHanoi2021', () => {
  const def = generateHanoi2021();
  const index = ElectionIndex.of(def);
  const contest = (id: string) => def.contests.find((c) => c.contestId === id)!;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('passes validateElectionDefinition', () => {
    expect(validateElectionDefinition(def)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(generateHanoi2021()).toEqual(def);
  });

  it('does not use Math.random', () => {
    const spy = jest.spyOn(Math, 'random');
    generateHanoi2021();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('has the 30 real districts with kebab-case ids and Vietnamese names', () => {
    expect(def.electionId).toBe('hn-2021');
    expect(def.districts).toHaveLength(30);
    expect(def.districts).toEqual(
      expect.arrayContaining([
        { districtId: 'ba-dinh', name: 'Ba Đình' },
        { districtId: 'ung-hoa', name: 'Ứng Hòa' },
        { districtId: 'son-tay', name: 'Sơn Tây' },
        { districtId: 'dong-da', name: 'Đống Đa' },
      ]),
    );
  });

  it('has 4,825 polling areas and about 5.44 million voters, each area 300–4,000', () => {
    expect(def.pollingAreas).toHaveLength(4825);
    expect(def.pollingAreas[0].pollingAreaId).toMatch(/^ba-dinh-0001$/);
    const total = sum(def.pollingAreas.map((a) => a.registeredVoters));
    expect(total).toBeGreaterThanOrEqual(5_400_000);
    expect(total).toBeLessThanOrEqual(5_480_000);
    const outOfRange = def.pollingAreas.filter((a) => a.registeredVoters < 300 || a.registeredVoters > 4000);
    expect(outOfRange).toEqual([]);
  });

  it('spreads polling areas roughly by population (Hoàng Mai has several times Hoàn Kiếm)', () => {
    const areas = (id: string) => index.pollingAreasOfDistrict(id).length;
    expect(areas('hoang-mai') / areas('hoan-kiem')).toBeCloseTo(506.3 / 135.6, 1);
    for (const d of HANOI_DISTRICTS) expect(areas(d.districtId)).toBeGreaterThan(50);
  });

  it('has the 10 real National Assembly units: 29 seats, 48 candidates on the ballot, units 1–9 elect 3 of 5, unit 10 elects 2 of 3', () => {
    const units = contest('na').electoralUnits;
    expect(units).toHaveLength(10);
    expect(sum(units.map((u) => u.seats))).toBe(29);
    // 49 on the official list, one of unit 10's four withdrawn before polling day.
    expect(sum(units.map((u) => u.candidates.length))).toBe(48);
    expect(units.slice(0, 9).every((u) => u.seats === 3 && u.candidates.length === 5)).toBe(true);
    expect(units[9]).toMatchObject({ unitId: 'na-10', seats: 2 });
    expect(units[9].candidates.map((c) => c.candidateId)).toEqual(['na-10-1', 'na-10-2', 'na-10-3']);
  });

  it('numbers the NA units as the official results resolution does (NQ 748/NQ-HĐBCQG), not as the swapped press table', () => {
    const units = contest('na').electoralUnits;
    expect(units.map((u) => [u.unitId, u.name, u.districtIds])).toEqual([
      ['na-01', 'Đơn vị bầu cử số 1', ['ba-dinh', 'dong-da', 'hai-ba-trung']],
      ['na-02', 'Đơn vị bầu cử số 2', ['hoan-kiem', 'long-bien', 'dong-anh']],
      ['na-03', 'Đơn vị bầu cử số 3', ['cau-giay', 'nam-tu-liem', 'thanh-xuan']],
      ['na-04', 'Đơn vị bầu cử số 4', ['hoang-mai', 'gia-lam']],
      ['na-05', 'Đơn vị bầu cử số 5', ['tay-ho', 'bac-tu-liem', 'hoai-duc']],
      ['na-06', 'Đơn vị bầu cử số 6', ['ha-dong', 'thanh-oai', 'thanh-tri']],
      ['na-07', 'Đơn vị bầu cử số 7', ['son-tay', 'phuc-tho', 'ba-vi', 'dan-phuong']],
      ['na-08', 'Đơn vị bầu cử số 8', ['quoc-oai', 'chuong-my', 'thach-that']],
      ['na-09', 'Đơn vị bầu cử số 9', ['ung-hoa', 'my-duc', 'phu-xuyen', 'thuong-tin']],
      ['na-10', 'Đơn vị bầu cử số 10', ['soc-son', 'me-linh']],
    ]);
    // The README's quick start: a Ba Đình polling area reports to unit 1.
    expect(index.unitOf('na', 'ba-dinh-0001')?.unitId).toBe('na-01');
  });

  it('every district is in exactly one NA unit', () => {
    const units = contest('na').electoralUnits.flatMap((u) => u.districtIds ?? []);
    expect([...units].sort()).toEqual(def.districts.map((d) => d.districtId).sort());
  });

  it("has 30 city People's Council units: 95 seats, 160 candidates, each ≤ 5 seats", () => {
    const units = contest('hdnd-tp').electoralUnits;
    expect(units).toHaveLength(30);
    expect(sum(units.map((u) => u.seats))).toBe(95);
    expect(sum(units.map((u) => u.candidates.length))).toBe(160);
    for (const u of units) {
      expect(u.seats).toBeLessThanOrEqual(5);
      expect(u.seats).toBeLessThanOrEqual(u.candidates.length);
    }
  });

  it('every polling area takes part in both contests', () => {
    for (const area of def.pollingAreas)
      expect(index.contestsOf(area.pollingAreaId)).toEqual(['na', 'hdnd-tp']);
  });

  it('says the candidate names are synthetic', () => {
    expect(def.name).toMatch(/candidate names are synthetic/);
  });
});
