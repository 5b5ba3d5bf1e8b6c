import type { ElectionDefinition } from '@tally/domain';
import { initialResultRows } from '../projections/election-layout';
import { smallElection } from '../testing/read-model-fixtures';
import { buildDistrictResults } from './results-builder';

/** The small election with a second city-council unit in Ba Đình whose candidates the definition lists first. */
function election(): ElectionDefinition {
  const definition = smallElection();
  const hdnd = definition.contests.find((c) => c.contestId === 'hdnd')!;
  hdnd.electoralUnits.unshift({
    unitId: 'hd-00',
    name: 'Đơn vị số 0',
    seats: 1,
    pollingAreaIds: ['ba-dinh-0002'],
    candidates: [
      { candidateId: 'hd-00-1', name: 'Lan', birthDate: '1971-01-01' },
      { candidateId: 'hd-00-2', name: 'Minh', birthDate: '1972-01-01' },
    ],
  });
  hdnd.electoralUnits[1].pollingAreaIds = ['ba-dinh-0001'];
  delete hdnd.electoralUnits[1].districtIds;
  return definition;
}

describe('buildDistrictResults: the candidates and units of a district', () => {
  it('lists the candidates its row counts in the definition’s order, whatever the order of the row’s keys', () => {
    const definition = election();
    const { districts, units } = initialResultRows(definition, 0);
    const row = districts.find((d) => d.districtId === 'ba-dinh' && d.contestId === 'hdnd')!;
    // As after amendments: keys in another order than the definition's, and a withdrawn candidate with votes.
    row.candidateVotes = { 'hd-01-2': 5, 'hd-99-1': 7, 'hd-00-2': 3, 'hd-01-1': 4, 'hd-00-1': 0 };
    const [baDinh] = buildDistrictResults(definition, districts, units, 'ba-dinh');
    const hdnd = baDinh.contests.find((c) => c.contestId === 'hdnd')!;
    expect(hdnd.candidates.map((c) => [c.candidateId, c.unitId, c.votes])).toEqual([
      ['hd-00-1', 'hd-00', 0],
      ['hd-00-2', 'hd-00', 3],
      ['hd-01-1', 'hd-01', 4],
      ['hd-01-2', 'hd-01', 5],
    ]);
    expect(hdnd.units.map((u) => u.unitId)).toEqual(['hd-00', 'hd-01']);
  });

  it('lists only the units whose candidates the row counts', () => {
    const definition = election();
    const { districts, units } = initialResultRows(definition, 0);
    const row = districts.find((d) => d.districtId === 'ba-dinh' && d.contestId === 'hdnd')!;
    row.candidateVotes = { 'hd-01-1': 4, 'hd-01-2': 5 };
    const [baDinh] = buildDistrictResults(definition, districts, units, 'ba-dinh');
    const hdnd = baDinh.contests.find((c) => c.contestId === 'hdnd')!;
    expect(hdnd.units.map((u) => u.unitId)).toEqual(['hd-01']);
    expect(hdnd.candidates.map((c) => c.candidateId)).toEqual(['hd-01-1', 'hd-01-2']);
  });
});
