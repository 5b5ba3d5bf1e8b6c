import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext } from '../testing/election-fixture';
import { DefineElection } from './election.commands';
import { decideElection, evolveElection, foldElection, initialElectionState } from './election.decider';
import { ElectionDefined } from './election.events';

const spec = DeciderSpecification.for({
  decide: decideElection,
  evolve: evolveElection,
  initialState: initialElectionState,
});

const define = (definition = smallElection()): DefineElection => ({
  type: 'DefineElection',
  definition,
  context: testContext('2021-05-01T08:00:00.000Z'),
});

const defined: ElectionDefined = {
  type: 'ElectionDefined',
  data: { definition: smallElection(), definedAt: '2021-05-01T08:00:00.000Z' },
};

describe('election decider', () => {
  it('defines a new election, stamped with the command time', () => {
    spec.given([]).when(define()).then([defined]);
  });

  it('ELECTION.ALREADY_DEFINED: refuses to define it twice (409)', () => {
    spec.given([defined]).when(define()).thenThrows('ELECTION.ALREADY_DEFINED', 'conflict');
  });

  it('rejects an invalid definition with every violation (422)', () => {
    const definition = smallElection();
    definition.contests[0].electoralUnits[0].seats = 9;
    definition.pollingAreas[0].districtId = 'east';
    const error = spec
      .given([])
      .when(define(definition))
      .thenViolates('ELECTION.SEATS_OUT_OF_RANGE', 'ELECTION.UNKNOWN_DISTRICT');
    expect(error.violations).toHaveLength(2);
  });

  it('folds to the defined state', () => {
    expect(foldElection([defined])).toEqual({
      status: 'defined',
      definition: smallElection(),
      definedAt: '2021-05-01T08:00:00.000Z',
      revision: 0,
      amendments: 0,
    });
    expect(foldElection([])).toEqual({ status: 'none' });
  });
});
