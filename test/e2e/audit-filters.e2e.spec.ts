import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;
let last = -1;
let between = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  for (const sheet of [
    naSheet(),
    secondBaDinhNaSheet(),
    { ...naSheet({ contestId: 'hdnd-tp' }), candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 } },
  ]) {
    expect((await api.call('POST', `/elections/${electionId}/tallies`, sheet)).status).toBe(201);
  }
  await sleep(15);
  between = new Date().toISOString();
  await sleep(15);
  const tayHo = naSheet({
    pollingAreaId: 'tay-ho-0001',
    registeredVoters: 1000,
    votersVoted: 900,
    ballotsIssued: 900,
    ballotsReceived: 900,
    validBallots: 890,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 100, 'na-01-2': 800, 'na-01-3': 500 },
  });
  expect((await api.call('POST', `/elections/${electionId}/tallies`, tayHo)).status).toBe(201);
  const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = naSheet();
  const corrected = await api.call(
    'POST',
    `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
    { ...counts, validBallots: 1210, invalidBallots: 28, reason: 'Đếm lại phiếu không hợp lệ' },
    { 'if-match': '"0"' },
  );
  expect(corrected.status).toBe(201);
  last = corrected.body.position;
});
afterAll(() => api.close());

async function list(query: string) {
  const res = await api.call('GET', `/elections/${electionId}/audit?minPosition=${last}&${query}`);
  expect([query, res.status]).toEqual([query, 200]);
  return res.body as { items: Array<Record<string, unknown>>; nextCursor: number | null };
}

const summary = (items: Array<Record<string, unknown>>) =>
  items.map((i) => `${i.type}:${i.pollingAreaId ?? '-'}:${i.contestId ?? '-'}`);

describe('audit trail filters', () => {
  it('filters by district, polling area, contest, event type, actor and time range, combined with AND', async () => {
    expect(summary((await list('district=tay-ho')).items)).toEqual(['TallySubmitted:tay-ho-0001:na']);
    expect(summary((await list('pollingArea=ba-dinh-0001')).items)).toEqual([
      'TallySubmitted:ba-dinh-0001:na',
      'TallySubmitted:ba-dinh-0001:hdnd-tp',
      'TallyCorrected:ba-dinh-0001:na',
    ]);
    expect(summary((await list('contest=hdnd-tp')).items)).toEqual(['TallySubmitted:ba-dinh-0001:hdnd-tp']);
    expect(summary((await list('type=TallyCorrected')).items)).toEqual(['TallyCorrected:ba-dinh-0001:na']);
    expect(summary((await list('pollingArea=ba-dinh-0001&contest=na&type=TallySubmitted')).items)).toEqual([
      'TallySubmitted:ba-dinh-0001:na',
    ]);
    const all = await list('');
    const actor = all.items[0].actor as { id: string };
    expect((await list(`actor=${encodeURIComponent(actor.id)}`)).items).toHaveLength(all.items.length);
    expect((await list('actor=nobody-at-all')).items).toEqual([]);
    expect(summary((await list(`from=${encodeURIComponent(between)}`)).items)).toEqual([
      'TallySubmitted:tay-ho-0001:na',
      'TallyCorrected:ba-dinh-0001:na',
    ]);
    expect((await list(`to=${encodeURIComponent(between)}`)).items).toHaveLength(4);
  });

  it('pages a filtered trail with the cursor', async () => {
    const first = await list('district=ba-dinh&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].position);
    const second = await list(`district=ba-dinh&limit=2&after=${first.nextCursor}`);
    expect(summary(second.items)).toEqual([
      'TallySubmitted:ba-dinh-0001:hdnd-tp',
      'TallyCorrected:ba-dinh-0001:na',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('400 problem+json for bad filters', async () => {
    for (const [query, field] of [
      ['district=Ba Dinh', 'district'],
      ['type=Tally-Corrected', 'type'],
      ['from=yesterday', 'from'],
      ['to=2021-05-23T20:00:00', 'to'],
      ['from=2021-05-24T00:00:00Z&to=2021-05-23T00:00:00Z', 'to'],
    ]) {
      const res = await api.call('GET', `/elections/${electionId}/audit?${query.replace(' ', '%20')}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'REQUEST.INVALID']);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
