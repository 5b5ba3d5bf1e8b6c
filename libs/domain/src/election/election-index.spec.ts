import { smallElection } from '../testing/election-fixture';
import { ElectionIndex } from './election-index';

describe('ElectionIndex', () => {
  const index = ElectionIndex.of(smallElection());

  it('knows the district of a polling area', () => {
    expect(index.districtOf('south-01')).toBe('south');
    expect(index.districtOf('nowhere')).toBeUndefined();
    expect(index.hasPollingArea('north-02')).toBe(true);
  });

  it('resolves the unit of a polling area in a contest, for district and polling-area units', () => {
    expect(index.unitOf('na', 'south-02')?.unitId).toBe('na-01');
    expect(index.unitOf('council', 'north-02')?.unitId).toBe('c-01');
    expect(index.unitOf('council', 'south-02')).toBeUndefined();
    expect(index.unitOf('nope', 'north-01')).toBeUndefined();
  });

  it('lists the districts a unit covers (whose admins may certify it)', () => {
    expect(index.districtsOfUnit('na', 'na-01')).toEqual(['north', 'south']);
    expect(index.districtsOfUnit('council', 'c-02')).toEqual(['south']);
    expect(index.districtsOfUnit('council', 'nope')).toEqual([]);
  });

  it('gives the placement, seats and candidates of a sheet', () => {
    expect(index.placementOf('council', 'south-01')).toEqual({
      contestId: 'council',
      pollingAreaId: 'south-01',
      districtId: 'south',
      unit: expect.objectContaining({ unitId: 'c-02', seats: 1 }),
    });
    expect(index.placementOf('council', 'south-02')).toBeUndefined();
    expect(index.seatsOf('na', 'na-01')).toBe(2);
    expect(index.candidatesOf('council', 'c-01').map((c) => c.candidateId)).toEqual(['c-01-1', 'c-01-2']);
  });

  it('lists the polling areas expected per district and contest', () => {
    expect(index.pollingAreasExpected('south', 'na')).toEqual(['south-01', 'south-02']);
    expect(index.pollingAreasExpected('south', 'council')).toEqual(['south-01']);
    expect(index.pollingAreasExpectedCount('north', 'council')).toBe(2);
    expect(index.pollingAreasExpected('east', 'na')).toEqual([]);
  });

  it('lists the polling areas and registered voters of a unit from the definition', () => {
    expect(index.pollingAreasOfUnit('na', 'na-01')).toEqual(['north-01', 'north-02', 'south-01', 'south-02']);
    expect(index.registeredVotersOfUnit('na', 'na-01')).toBe(3500);
    expect(index.registeredVotersOfUnit('council', 'c-01')).toBe(1800);
    expect(index.registeredVotersOfUnit('council', 'c-99')).toBe(0);
  });

  it('lists the contests of a polling area and the districts of a contest', () => {
    expect(index.contestsOf('north-01')).toEqual(['na', 'council']);
    expect(index.contestsOf('south-02')).toEqual(['na']);
    expect(index.districtsOfContest('council')).toEqual(['north', 'south']);
    expect(index.pollingAreasOfDistrict('north')).toEqual(['north-01', 'north-02']);
  });
});
