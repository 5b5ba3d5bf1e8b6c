import { randomUUID } from 'node:crypto';
import { EventStore } from '@tally/event-store';
import { startTestApi, TestApi } from '../support/api';
import { smallElection } from '../support/fixtures';

// smallElection: ba-dinh-0001 (1250 voters), ba-dinh-0002 (900), tay-ho-0001 (1000), tay-ho-0002 (800); 2021-05-23.
let api: TestApi;
let electionId: string;
const AT_1230 = '2021-05-23T05:30:00.000Z';
const AT_1830 = '2021-05-23T11:30:00.000Z';
const AT_1930 = '2021-05-23T12:30:00.000Z';

const report = (pollingAreaId: string, asOf: string, votersVoted: number, reportId = randomUUID()) => ({
  reportId,
  pollingAreaId,
  asOf,
  votersVoted,
});

async function post(body: unknown) {
  return api.call('POST', `/elections/${electionId}/turnout`, body);
}

/** The last position of the event log: it moves with every append. */
function head(): Promise<number> {
  return api.app.get(EventStore).headPosition();
}

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
});
afterAll(() => api.close());

describe('POST /elections/{e}/turnout', () => {
  it('201 with the position; a retry with the same reportId replays it; another body is 409', async () => {
    const body = report('ba-dinh-0001', '2021-05-23T12:30:00+07:00', 500);
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      reportId: body.reportId,
      pollingAreaId: 'ba-dinh-0001',
      revision: 0,
      replayed: false,
    });
    const retry = await post(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const reused = await post({ ...body, votersVoted: 501 });
    expect([reused.status, reused.body.code]).toEqual([409, 'TURNOUT.REPORT_ID_REUSED']);
    const elsewhere = await post({ ...body, pollingAreaId: 'tay-ho-0001' });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([409, 'TURNOUT.REPORT_ID_REUSED']);
  });

  it.each([
    ['TURNOUT.EXCEEDS_REGISTERED', report('ba-dinh-0002', AT_1230, 901)],
    ['TURNOUT.NEGATIVE_OR_NON_INTEGER', report('ba-dinh-0002', AT_1230, -1)],
    ['TURNOUT.NEGATIVE_OR_NON_INTEGER', report('ba-dinh-0002', AT_1230, 2.5)],
    ['TURNOUT.INVALID_AS_OF', report('ba-dinh-0002', '2021-05-23T12:30:00', 100)],
    ['TURNOUT.AS_OF_OUTSIDE_POLLING_DAY', report('ba-dinh-0002', '2021-05-24T08:00:00+07:00', 100)],
    ['TURNOUT.DECREASED', report('ba-dinh-0001', AT_1830, 499)],
    ['TURNOUT.ABOVE_LATER_REPORT', report('ba-dinh-0001', '2021-05-23T10:00:00+07:00', 501)],
  ])('422 %s, and nothing is appended', async (code, body) => {
    const before = await head();
    const res = await post(body);
    expect([res.status, res.body.code]).toEqual([422, code]);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.violations.map((v: { code: string }) => v.code)).toContain(code);
    expect(await head()).toBe(before);
  });

  it('404 for an unknown polling area or election, 400 for a malformed body', async () => {
    const area = await post(report('hoan-kiem-0001', AT_1230, 1));
    expect([area.status, area.body.code]).toEqual([404, 'TURNOUT.UNKNOWN_POLLING_AREA']);
    const election = await api.call(
      'POST',
      '/elections/no-such-election/turnout',
      report('ba-dinh-0001', AT_1230, 1),
    );
    expect([election.status, election.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
    const malformed = await post({
      reportId: 'x',
      pollingAreaId: 'ba-dinh-0001',
      asOf: AT_1230,
      votersVoted: '12',
    });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'REQUEST.INVALID']);
  });
});

describe('GET /elections/{e}/turnout', () => {
  it('figures per district and city at each reporting time and the latest', async () => {
    // ba-dinh-0001 already has 500 as of 12:30 (first test); a late report for 10:00 between neighbours is fine.
    const posts = [
      report('ba-dinh-0001', '2021-05-23T10:00:00+07:00', 300),
      report('ba-dinh-0001', '2021-05-23T18:30:00+07:00', 1100),
      report('ba-dinh-0001', '2021-05-23T19:30:00+07:00', 1250), // complete
      report('ba-dinh-0002', '2021-05-23T18:40:00+07:00', 700), // after 18:30: counts from 19:30 on
      report('tay-ho-0001', '2021-05-23T12:00:00+07:00', 400),
      report('tay-ho-0001', '2021-05-23T19:15:00+07:00', 900),
    ];
    let position = -1;
    for (const body of posts) {
      const res = await post(body);
      expect(res.status).toBe(201);
      position = res.body.position;
    }
    const res = await api.call('GET', `/elections/${electionId}/turnout?minPosition=${position}`);
    expect(res.status).toBe(200);
    expect(res.body.position).toBeGreaterThanOrEqual(position);
    const [baDinh, tayHo] = res.body.districts;
    expect(baDinh).toEqual({
      districtId: 'ba-dinh',
      name: 'Ba Đình',
      registeredVoters: 2150,
      pollingAreasExpected: 2,
      latest: { votersVoted: 1950, turnout: 0.907, pollingAreasReported: 2, pollingAreasComplete: 1 },
      byReportingTime: [
        { at: AT_1230, votersVoted: 500, turnout: 0.2326, pollingAreasReported: 1 },
        { at: AT_1830, votersVoted: 1100, turnout: 0.5116, pollingAreasReported: 1 },
        { at: AT_1930, votersVoted: 1950, turnout: 0.907, pollingAreasReported: 2 },
      ],
    });
    expect(tayHo.byReportingTime.map((t: { votersVoted: number }) => t.votersVoted)).toEqual([400, 400, 900]);
    expect(res.body.city).toEqual({
      registeredVoters: 3950,
      pollingAreasExpected: 4,
      latest: { votersVoted: 2850, turnout: 0.7215, pollingAreasReported: 3, pollingAreasComplete: 1 },
      byReportingTime: [
        { at: AT_1230, votersVoted: 900, turnout: 0.2278, pollingAreasReported: 2 },
        { at: AT_1830, votersVoted: 1500, turnout: 0.3797, pollingAreasReported: 2 },
        { at: AT_1930, votersVoted: 2850, turnout: 0.7215, pollingAreasReported: 3 },
      ],
    });
  });

  it('an election with its own reporting times and offset', async () => {
    const own = { ...smallElection(), utcOffset: '+00:00', turnoutReportingTimes: ['09:00', '21:00'] };
    expect((await api.call('POST', '/elections', own)).status).toBe(201);
    const res = await api.call(
      'POST',
      `/elections/${own.electionId}/turnout`,
      report('tay-ho-0002', '2021-05-23T10:00:00Z', 80),
    );
    expect(res.status).toBe(201);
    const view = await api.call(
      'GET',
      `/elections/${own.electionId}/turnout?minPosition=${res.body.position}`,
    );
    expect(view.body.city.byReportingTime).toEqual([
      { at: '2021-05-23T09:00:00.000Z', votersVoted: 0, turnout: 0, pollingAreasReported: 0 },
      { at: '2021-05-23T21:00:00.000Z', votersVoted: 80, turnout: 0.0203, pollingAreasReported: 1 },
    ]);
    const bad = await api.call('POST', '/elections', { ...smallElection(), turnoutReportingTimes: ['7pm'] });
    expect([bad.status, bad.body.code]).toEqual([422, 'ELECTION.INVALID_TURNOUT_SCHEDULE']);
  });

  it('404 ELECTION.NOT_FOUND for an unknown election', async () => {
    const res = await api.call('GET', '/elections/unknown-election/turnout');
    expect([res.status, res.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
  });

  it('the audit trail lists turnout reports, and results ignore them', async () => {
    const audit = await api.call('GET', `/elections/${electionId}/audit?limit=1000`);
    const turnout = audit.body.items.filter((i: { type: string }) => i.type === 'TurnoutReported');
    expect(turnout.length).toBe(7);
    expect(turnout[0].summary).toBe(
      'Turnout reported for ba-dinh-0001: 500 voted as of 2021-05-23T05:30:00.000Z',
    );
    const city = await api.call('GET', `/elections/${electionId}/results/city`);
    expect(city.body.contests.map((c: { votersVoted: number }) => c.votersVoted)).toEqual([0, 0]);
  });
});

describe('GET /elections', () => {
  it('lists the elections, newest polling date first', async () => {
    const newer = { ...smallElection(), pollingDate: '2026-05-24', name: 'Newer' };
    const res = await api.call('POST', '/elections', newer);
    expect(res.status).toBe(201);
    await api.call('GET', `/elections/${newer.electionId}/results/city?minPosition=${res.body.position}`);
    const list = await api.call('GET', '/elections');
    expect(list.status).toBe(200);
    expect(list.body.elections[0]).toEqual({
      electionId: newer.electionId,
      name: 'Newer',
      pollingDate: '2026-05-24',
    });
    expect(list.body.elections.map((e: { electionId: string }) => e.electionId)).toContain(electionId);
  });
});
