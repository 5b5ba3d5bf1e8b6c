import { startTestApi, TestApi } from '../support/api';
import { smallElection } from '../support/fixtures';

/**
 * The law's outcome per unit over HTTP: the same counts give `elected` for a People's Council unit with two thirds
 * of its seats filled and `supplementary-required` for a National Assembly unit or a contest without a kind.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

/** One contest with one three-seat unit over ba-dinh-0001 and a sheet in which two of four candidates pass half. */
function election(kind: string | undefined) {
  const base = smallElection();
  const contest = {
    contestId: 'hd',
    name: 'HĐND',
    ...(kind === undefined ? {} : { kind }),
    electoralUnits: [
      {
        unitId: 'hd-01',
        name: 'Đơn vị số 1',
        seats: 3,
        pollingAreaIds: ['ba-dinh-0001'],
        candidates: ['1', '2', '3', '4'].map((n) => ({
          candidateId: `hd-01-${n}`,
          name: `Ứng viên ${n}`,
          birthDate: `197${n}-01-01`,
        })),
      },
    ],
  };
  return { ...base, contests: [contest] };
}

const sheet = {
  pollingAreaId: 'ba-dinh-0001',
  contestId: 'hd',
  registeredVoters: 1250,
  votersVoted: 1000,
  ballotsIssued: 1000,
  ballotsReceived: 1000,
  validBallots: 1000,
  invalidBallots: 0,
  candidateVotes: { 'hd-01-1': 900, 'hd-01-2': 800, 'hd-01-3': 500, 'hd-01-4': 400 },
};

describe('contest kinds and the outcome of a unit', () => {
  it.each([
    ['provincial-council', 'elected'],
    ['commune-council', 'elected'],
    ['national-assembly', 'supplementary-required'],
    [undefined, 'supplementary-required'],
  ])('kind %s: 2 winners of 3 seats → %s', async (kind, outcome) => {
    const definition = election(kind);
    const e = definition.electionId;
    expect((await api.call('POST', '/elections', definition)).status).toBe(201);
    const submitted = await api.call('POST', `/elections/${e}/tallies`, {
      ...sheet,
      submissionId: crypto.randomUUID(),
    });
    expect(submitted.status).toBe(201);
    const city = await api.call('GET', `/elections/${e}/results/city?minPosition=${submitted.body.position}`);
    const [contest] = city.body.contests;
    expect(contest.kind).toBe(kind ?? null);
    expect(contest.units[0]).toMatchObject({
      provisional: false,
      status: 'seats_unfilled',
      outcome,
      outcomeReason: null,
      seatsUnfilled: 1,
    });
    const district = await api.call(
      'GET',
      `/elections/${e}/results/districts/ba-dinh?minPosition=${submitted.body.position}`,
    );
    expect(district.body.contests[0].kind).toBe(kind ?? null);
  });

  it('a kind outside the law is refused (400) and nothing is defined', async () => {
    const definition = election('senate');
    const res = await api.call('POST', '/elections', definition);
    expect([res.status, res.body.code]).toEqual([400, 'REQUEST.INVALID']);
    expect((await api.call('GET', `/elections/${definition.electionId}`)).status).toBe(404);
  });
});
