import { smallElection } from '../testing/election-fixture';
import { amendDefinition } from './election-amendment';
import { validateElectionDefinition } from './election-rules';
import { Contest, ElectionDefinition } from './election.types';

/** A re-vote of council unit c-02 (south-01), held two weeks after polling day. */
function reVote(): Contest {
  return {
    contestId: 'council-rv',
    name: 'City council, re-vote',
    pollingDate: '2021-06-06',
    round: { kind: 're-vote', of: 'council', units: ['c-02'] },
    electoralUnits: [
      {
        unitId: 'c-02',
        name: 'Council unit 2',
        seats: 1,
        pollingAreaIds: ['south-01'],
        candidates: [
          { candidateId: 'c-02-1', name: 'Vũ Văn Hải', birthDate: '1969-11-11' },
          { candidateId: 'c-02-3', name: 'Ngô Văn Minh', birthDate: '1977-04-04' },
        ],
      },
    ],
  };
}

function violationsWith(change: (round: Contest, def: ElectionDefinition) => void): string[] {
  const def = smallElection();
  const round = reVote();
  change(round, def);
  def.contests.push(round);
  return validateElectionDefinition(def).map((v) => `${v.code} @ ${v.field}`);
}

describe('follow-up rounds in a definition (Art. 79, 80)', () => {
  it('accepts a re-vote of exactly one unit, and a supplementary round of a unit covering districts', () => {
    expect(violationsWith(() => undefined)).toEqual([]);
    expect(
      violationsWith((r) => {
        r.contestId = 'na-sup';
        r.round = { kind: 'supplementary', of: 'na', units: ['na-01'] };
        r.electoralUnits = [
          {
            unitId: 'na-01',
            name: 'Unit 1',
            seats: 1,
            districtIds: ['south', 'north'],
            candidates: [
              { candidateId: 'na-01-3', name: 'Lê Văn Cường', birthDate: '1980-12-31' },
              { candidateId: 'na-01-4', name: 'Đinh Văn Phúc', birthDate: '1981-01-01' },
            ],
          },
        ];
      }),
    ).toEqual([]);
  });

  it.each<[string, (r: Contest, d: ElectionDefinition) => void, string[]]>([
    [
      'an unknown kind',
      (r) => ((r.round as { kind: string }).kind = 'runoff'),
      ['ELECTION.INVALID_ROUND @ contests[2].round.kind'],
    ],
    [
      'a contest kind other than the original',
      (r) => (r.kind = 'commune-council'),
      ['ELECTION.INVALID_ROUND @ contests[2].kind'],
    ],
    [
      'its own polling date on a contest that is no round',
      (_r, d) => (d.contests[0].pollingDate = '2021-06-06'),
      ['ELECTION.INVALID_ROUND @ contests[0].pollingDate'],
    ],
    ['no polling date', (r) => delete r.pollingDate, ['ELECTION.ROUND_DATE @ contests[2].pollingDate']],
    [
      'polling on the election day',
      (r) => (r.pollingDate = '2021-05-23'),
      ['ELECTION.ROUND_DATE @ contests[2].pollingDate'],
    ],
    [
      'an unknown original',
      (r) => (r.round!.of = 'hdnd'),
      ['ELECTION.ROUND_UNKNOWN_CONTEST @ contests[2].round.of'],
    ],
    [
      'itself as the original',
      (r) => (r.round!.of = 'council-rv'),
      ['ELECTION.ROUND_UNKNOWN_CONTEST @ contests[2].round.of'],
    ],
    [
      'a unit the original does not have',
      (r) => {
        r.round!.units = ['c-09'];
        r.electoralUnits[0].unitId = 'c-09';
      },
      ['ELECTION.ROUND_UNITS @ contests[2].round.units[0]'],
    ],
    [
      'a listed unit it does not hold',
      (r) => r.round!.units.push('c-01'),
      ['ELECTION.ROUND_UNITS @ contests[2].round.units[1]'],
    ],
    [
      'a unit it holds but does not list',
      (r) => (r.round!.units = ['c-01']),
      [
        'ELECTION.ROUND_UNITS @ contests[2].round.units[0]',
        'ELECTION.ROUND_UNITS @ contests[2].electoralUnits[0].unitId',
      ],
    ],
    [
      'other polling areas than the original unit',
      (r) => r.electoralUnits[0].pollingAreaIds!.push('south-02'),
      ['ELECTION.ROUND_UNITS @ contests[2].round.units[0]'],
    ],
    [
      'a re-vote with other seats',
      (r) => {
        r.electoralUnits[0].seats = 2;
      },
      ['ELECTION.ROUND_SEATS @ contests[2].electoralUnits[0].seats'],
    ],
  ])('refuses %s', (_what, change, expected) => {
    expect(violationsWith(change)).toEqual(expected);
  });

  it.each([
    [1, []],
    [2, []],
    [3, ['ELECTION.ROUND_SEATS @ contests[2].electoralUnits[0].seats']],
  ])('a supplementary round of a 2-seat unit electing %i seats → %j', (seats, expected) => {
    expect(
      violationsWith((r) => {
        r.round = { kind: 'supplementary', of: 'na', units: ['na-01'] };
        r.electoralUnits = [
          {
            unitId: 'na-01',
            name: 'Unit 1',
            seats,
            districtIds: ['north', 'south'],
            candidates: ['a', 'b', 'c'].map((x) => ({
              candidateId: `s-${x}`,
              name: x,
              birthDate: '1980-01-01',
            })),
          },
        ];
      }),
    ).toEqual(expected);
  });

  describe('addRound amendment', () => {
    it('adds the round as a contest of the definition', () => {
      const { definition, violations } = amendDefinition(smallElection(), [
        { type: 'addRound', contest: reVote() },
      ]);
      expect(violations).toEqual([]);
      expect(definition.contests.map((c) => c.contestId)).toEqual(['na', 'council', 'council-rv']);
    });

    it('refuses a contest without a round, and a round breaking the rules', () => {
      const plain = { ...reVote(), round: undefined };
      expect(amendDefinition(smallElection(), [{ type: 'addRound', contest: plain }]).violations).toEqual([
        expect.objectContaining({ code: 'ELECTION.INVALID_ROUND', field: 'changes[0].contest.round' }),
      ]);
      const early = { ...reVote(), pollingDate: '2021-05-01' };
      expect(amendDefinition(smallElection(), [{ type: 'addRound', contest: early }]).violations).toEqual([
        expect.objectContaining({ code: 'ELECTION.ROUND_DATE', field: 'contests[2].pollingDate' }),
      ]);
    });
  });
});
