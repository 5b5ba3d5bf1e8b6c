import type { AddressInfo } from 'node:net';
import { LiveChannels } from '../../apps/api/src/live/live-channels';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, sheetOf, smallElection, uuidFor } from '../support/fixtures';
import { replay, touchedDistricts } from '../support/live-view';
import { SseClient, SseMessage } from '../support/sse-client';

// The acceptance test of the live stream: a real HTTP socket, a disconnect mid-stream and a Last-Event-ID reconnect.
let api: TestApi;
let base: string;
let electionId: string;
const clients: SseClient[] = [];

async function connect(headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const client = await SseClient.connect(`${base}/elections/${electionId}/live${query}`, headers);
  clients.push(client);
  return client;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await api.call('POST', url, body, headers);
  expect([url, res.status]).toEqual([url, 201]);
  return res.body.position;
}

const tayHoSheet = () =>
  naSheet({
    pollingAreaId: 'tay-ho-0001',
    registeredVoters: 1000,
    votersVoted: 950,
    ballotsIssued: 950,
    ballotsReceived: 950,
    validBallots: 940,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 400, 'na-01-2': 700, 'na-01-3': 600 },
  });

const turnout = (pollingAreaId: string, asOf: string, votersVoted: number) => ({
  reportId: uuidFor(`${pollingAreaId}.${asOf.slice(11, 16)}`),
  pollingAreaId,
  asOf,
  votersVoted,
});

const updates = (c: SseClient) => c.messages.filter((m) => m.event === 'update');

beforeAll(async () => {
  api = await startTestApi({ LIVE_HEARTBEAT_MS: '100', LIVE_POLL_MS: '20', LIVE_UPDATE_INTERVAL_MS: '50' });
  await api.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  electionId = smallElection().electionId;
  await post('/elections', smallElection(electionId));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await api.close();
});

describe('GET /elections/{e}/live', () => {
  it('snapshot, updates, a disconnect, and a Last-Event-ID reconnect that delivers every missed change exactly once', async () => {
    const e = `/elections/${electionId}`;
    const first = await post(`${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));

    // 1. A new client gets a snapshot that includes everything written before it connected.
    const live = await connect();
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toContain('text/event-stream');
    const snapshot = await live.waitFor((m) => m.event === 'snapshot');
    expect(live.messages[0]).toBe(snapshot);
    expect(Number(snapshot.id)).toBe(snapshot.data.position);
    expect(snapshot.data.position).toBeGreaterThanOrEqual(first);
    expect(snapshot.data).toMatchObject({
      electionId,
      name: smallElection().name,
      pollingDate: '2021-05-23',
    });
    const naCity = snapshot.data.city.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(naCity.pollingAreasReported).toBe(1);
    expect(snapshot.data.turnout.city.registeredVoters).toBe(3950);
    expect(snapshot.data.districts.map((d: { districtId: string }) => d.districtId)).toEqual([
      'ba-dinh',
      'tay-ho',
    ]);

    // 2. Live updates while connected: a sheet and a turnout report.
    const second = await post(`${e}/tallies`, secondBaDinhNaSheet());
    const report = await post(`${e}/turnout`, turnout('ba-dinh-0001', '2021-05-23T12:30:00+07:00', 600));
    await live.waitFor((m) => m.event === 'update' && Number(m.id) >= report);
    const seen = updates(live);
    const withSheet = seen.find((m) => m.data.position >= second)!;
    expect(touchedDistricts(withSheet.data)).toContain('ba-dinh');
    expect(touchedDistricts(withSheet.data)).not.toContain('tay-ho');
    const withTurnout = seen.find((m) => m.data.turnout)!;
    expect(
      replay(live.messages.filter((m) => Number(m.id) <= Number(withTurnout.id))).turnout.city.latest,
    ).toMatchObject({ votersVoted: 600, pollingAreasReported: 1 });
    for (const m of seen) {
      expect(Number(m.id)).toBe(m.data.position);
      expect(m.data.fromPosition).toBeLessThan(m.data.position);
      expect(m.data.timeline).toEqual([expect.objectContaining({ position: m.data.position })]);
    }
    await live.waitForComment('heartbeat');

    // 3. Drop the connection mid-stream; the server lets go of it (the election's channel keeps following for a
    //    while, so a reconnect resumes from its recent updates).
    const lastId = Number(live.messages[live.messages.length - 1].id);
    const held = replay(live.messages);
    live.close();
    const channels = api.app.get(LiveChannels);
    for (let i = 0; i < 750 && (await channels.viewers()) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await channels.viewers()).toBe(0);

    // 4. Changes while disconnected: a new district, two corrections with reasons, a turnout report.
    const missed: number[] = [];
    missed.push(await post(`${e}/tallies`, tayHoSheet()));
    const corrected = {
      ...naSheet({ pollingAreaId: 'ba-dinh-0001' }),
      validBallots: 1210,
      invalidBallots: 28,
    };
    delete (corrected as { submissionId?: string }).submissionId;
    delete (corrected as { pollingAreaId?: string }).pollingAreaId;
    delete (corrected as { contestId?: string }).contestId;
    const reasons = ['Biên bản ghi nhầm số phiếu không hợp lệ', 'Kiểm lại phiếu theo yêu cầu của tổ bầu cử'];
    const correction1 = await post(
      `${e}/tallies/ba-dinh-0001/na/corrections`,
      { ...corrected, reason: reasons[0] },
      { 'if-match': '"0"' },
    );
    missed.push(correction1);
    missed.push(await post(`${e}/turnout`, turnout('tay-ho-0001', '2021-05-23T18:30:00+07:00', 700)));
    const correction2 = await post(
      `${e}/tallies/ba-dinh-0001/na/corrections`,
      { ...corrected, validBallots: 1215, invalidBallots: 23, reason: reasons[1] },
      { 'if-match': '"1"' },
    );
    missed.push(correction2);
    const last = Math.max(...missed);

    // 5. Reconnect with Last-Event-ID: no snapshot, only what came after it, each change once.
    const again = await connect({ 'last-event-id': String(lastId) });
    await again.waitFor((m) => Number(m.id) >= last);
    const resumed = again.messages;
    expect(resumed.every((m) => m.event === 'update')).toBe(true);
    const ids = resumed.map((m) => Number(m.id));
    expect(ids.every((id) => id > lastId)).toBe(true);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(resumed[0].data.fromPosition).toBe(lastId);
    for (let i = 1; i < resumed.length; i++) {
      expect(resumed[i].data.fromPosition).toBeGreaterThanOrEqual(resumed[i - 1].data.position);
    }
    // every missed event is covered by exactly one update
    for (const p of missed) {
      expect(resumed.filter((m) => m.data.fromPosition < p && p <= m.data.position)).toHaveLength(1);
    }
    const corrections = resumed.flatMap((m) => m.data.corrections);
    expect(corrections.map((c: { position: number }) => c.position).sort()).toEqual(
      [correction1, correction2].sort(),
    );
    expect(corrections.find((c: { position: number }) => c.position === correction2)).toMatchObject({
      districtId: 'ba-dinh',
      pollingAreaId: 'ba-dinh-0001',
      contestId: 'na',
      reason: reasons[1],
      actor: { id: 'city-admin', role: 'admin' },
      changes: [
        { field: 'validBallots', before: 1210, after: 1215 },
        { field: 'invalidBallots', before: 28, after: 23 },
      ],
    });
    const touched = new Set(resumed.flatMap((m) => touchedDistricts(m.data)));
    expect([...touched].sort()).toEqual(['ba-dinh', 'tay-ho']);
    // the deltas applied to what the client held give the api's figures
    const after = replay(resumed, held);
    expect(after.turnout.city.latest).toMatchObject({ votersVoted: 1300, pollingAreasReported: 2 });
    const city = await api.call('GET', `${e}/results/city?minPosition=${last}`);
    expect(after.city.contests).toEqual(city.body.contests);
    const districts = await api.call('GET', `${e}/results/districts?minPosition=${last}`);
    expect(after.districts.map((d) => d.contests.map((c) => c.validBallots))).toEqual(
      districts.body.districts.map((d: { contests: Array<{ validBallots: number }> }) =>
        d.contests.map((c) => c.validBallots),
      ),
    );

    // 6. ?lastEventId= does the same for clients that cannot set headers.
    const byQuery = await connect({}, `?lastEventId=${lastId}`);
    await byQuery.waitFor((m) => Number(m.id) >= last);
    // (it may coalesce differently: everything is already projected, so one update can cover it all)
    expect(byQuery.messages.every((m: SseMessage) => m.event === 'update' && Number(m.id) > lastId)).toBe(
      true,
    );
    expect(byQuery.messages[0].data.fromPosition).toBe(lastId);
    const byQueryCorrections = byQuery.messages.flatMap((m) => m.data.corrections);
    expect(byQueryCorrections.map((c: { position: number }) => c.position).sort()).toEqual(
      corrections.map((c: { position: number }) => c.position).sort(),
    );
    expect(replay(byQuery.messages, held).city.contests).toEqual(after.city.contests);
  });

  it('a disconnect while changes keep coming: across both connections every event is covered exactly once', async () => {
    const other = smallElection();
    const e = `/elections/${other.electionId}`;
    await post('/elections', other);
    const first = await SseClient.connect(`${base}${e}/live`);
    clients.push(first);
    const snapshot = await first.waitFor((m) => m.event === 'snapshot');

    // A writer keeps reporting turnout (10 rounds × 4 areas) and correcting one sheet, while the client drops out.
    const areas = other.pollingAreas;
    const positions: number[] = [];
    const corrections: number[] = [];
    await post(`${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
    const writer = (async () => {
      for (let round = 0; round < 10; round++) {
        const asOf = `2021-05-23T${String(8 + round).padStart(2, '0')}:00:00+07:00`;
        for (const area of areas) {
          const report = {
            reportId: uuidFor(`${area.pollingAreaId}.${round}`),
            pollingAreaId: area.pollingAreaId,
            asOf,
          };
          positions.push(await post(`${e}/turnout`, { ...report, votersVoted: (round + 1) * 50 }));
        }
        if (round % 3 === 0) {
          const body = {
            ...naSheet({ pollingAreaId: 'ba-dinh-0001' }),
            validBallots: 1219 - round,
            invalidBallots: 19 + round,
          };
          for (const key of ['submissionId', 'pollingAreaId', 'contestId'])
            delete (body as Record<string, unknown>)[key];
          const position = await post(
            `${e}/tallies/ba-dinh-0001/na/corrections`,
            { ...body, reason: `Kiểm lại lần ${round}: số phiếu không hợp lệ` },
            { 'if-match': `"${round / 3}"` },
          );
          positions.push(position);
          corrections.push(position);
        }
      }
    })();
    await first.waitFor((m) => m.event === 'update' && m.data.turnout?.city?.latest?.votersVoted >= 4 * 150);
    first.close();
    const lastId = Number(first.messages[first.messages.length - 1].id);
    await writer;
    const last = Math.max(...positions);
    const second = await SseClient.connect(`${base}${e}/live`, { 'last-event-id': String(lastId) });
    clients.push(second);
    await second.waitFor((m) => Number(m.id) >= last);

    const before = first.messages.filter((m) => m.event === 'update');
    expect(before.length).toBeGreaterThan(0);
    expect(second.messages.every((m) => m.event === 'update' && m.data.fromPosition >= lastId)).toBe(true);
    const all = [...before, ...second.messages];
    for (const p of positions.filter((x) => x > snapshot.data.position)) {
      expect([p, all.filter((m) => m.data.fromPosition < p && p <= m.data.position).length]).toEqual([p, 1]);
    }
    const received = all.flatMap((m) => m.data.corrections.map((c: { position: number }) => c.position));
    expect(received.sort((a, b) => a - b)).toEqual(corrections.filter((p) => p > snapshot.data.position));
    const finalTurnout = replay(second.messages, replay(first.messages)).turnout;
    const fromApi = await api.call('GET', `${e}/turnout?minPosition=${last}`);
    expect(finalTurnout.city.latest).toEqual(fromApi.body.city.latest);
    expect(finalTurnout.city.latest.votersVoted).toBe(4 * 500);
  });

  it('?contest= streams that contest alone: its replayed view equals the results endpoints with ?contest=', async () => {
    const other = smallElection();
    const e = `/elections/${other.electionId}`;
    await post('/elections', other);
    await post(`${e}/tallies`, sheetOf('ba-dinh-0001', 'hdnd-tp'));
    const onlyNa = await SseClient.connect(`${base}${e}/live?contest=na`);
    const whole = await SseClient.connect(`${base}${e}/live`);
    clients.push(onlyNa, whole);
    const [snapshot, wholeSnapshot] = await Promise.all([
      onlyNa.waitFor((m) => m.event === 'snapshot'),
      whole.waitFor((m) => m.event === 'snapshot'),
    ]);
    expect(snapshot.data.city.contests.map((c: { contestId: string }) => c.contestId)).toEqual(['na']);
    expect(wholeSnapshot.data.city.contests.map((c: { contestId: string }) => c.contestId)).toEqual([
      'na',
      'hdnd-tp',
    ]);
    expect(JSON.stringify(snapshot.data).length).toBeLessThan(JSON.stringify(wholeSnapshot.data).length);

    // Sheets of both contests while connected: the stream of one contest follows its own and covers every position.
    let last = 0;
    for (const area of ['ba-dinh-0002', 'tay-ho-0001']) {
      last = await post(`${e}/tallies`, sheetOf(area, 'na'));
      last = await post(`${e}/tallies`, sheetOf(area, 'hdnd-tp'));
    }
    await Promise.all([
      onlyNa.waitFor((m) => Number(m.id) >= last),
      whole.waitFor((m) => Number(m.id) >= last),
    ]);
    const view = replay(onlyNa.messages);
    const [city, districts] = await Promise.all([
      api.call('GET', `${e}/results/city?contest=na&minPosition=${last}`),
      api.call('GET', `${e}/results/districts?contest=na&minPosition=${last}`),
    ]);
    expect(view.position).toBe(last);
    expect(view.city.contests).toEqual(city.body.contests);
    expect([view.city.unitsTotal, view.city.unitsCertified]).toEqual([
      city.body.unitsTotal,
      city.body.unitsCertified,
    ]);
    expect(view.districts.map((d) => d.contests.map((c) => c.contestId))).toEqual(
      districts.body.districts.map((d: { contests: unknown[] }) => d.contests.map(() => 'na')),
    );
    expect(replay(whole.messages).city.contests.find((c) => c.contestId === 'na')).toEqual(
      view.city.contests[0],
    );

    const unknown = await api.call('GET', `${e}/live?contest=no-such-contest`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'TALLY.UNKNOWN_CONTEST']);
    const malformed = await api.call('GET', `${e}/live?contest=NA!`);
    expect([malformed.status, malformed.body.code]).toEqual([400, 'REQUEST.INVALID']);
  });

  it('400 for a malformed Last-Event-ID or one beyond the log, 404 for an unknown election', async () => {
    const bad = await api.call('GET', `/elections/${electionId}/live`, undefined, { 'last-event-id': 'abc' });
    expect([bad.status, bad.body.code]).toEqual([400, 'REQUEST.INVALID']);
    const beyond = await api.call('GET', `/elections/${electionId}/live?lastEventId=999999`);
    expect([beyond.status, beyond.body.code]).toEqual([400, 'REQUEST.POSITION_BEYOND_LOG']);
    const unknown = await api.call('GET', '/elections/no-such-election/live');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
  });

  it("HEAD answers the stream's headers at once and ends: no stream held open (the fuzz found it hanging)", async () => {
    const res = await fetch(`${base}/elections/${electionId}/live`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await res.text()).toBe('');
  });
});
