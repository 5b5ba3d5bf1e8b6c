import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { EventStore } from '@tally/event-store';
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, scanFiles, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

/** Issue 12 §3: per-polling-area results as CSV / JSON and the NIST SP 1500-100 v2 export; their sums are the city's. */
let api: TestApi;
let electionId: string;
let head: number;
let scan: Buffer;
type Row = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON
type Json = any;

const COUNTS = [
  'registeredVoters',
  'votersVoted',
  'ballotsIssued',
  'ballotsReceived',
  'validBallots',
  'invalidBallots',
];
const get = (path: string, headers: Record<string, string> = {}) =>
  api.app.inject({ method: 'GET', url: `/elections/${electionId}/results/${path}`, headers });
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** A candidate's votes in a CSV row: the pair candidateNId = id, candidateNVotes. */
function votesOf(row: Row, candidateId: string): number {
  for (let i = 1; row[`candidate${i}Id`] !== undefined; i++) {
    if (row[`candidate${i}Id`] === candidateId) return Number(row[`candidate${i}Votes`]);
  }
  return 0;
}

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  const tayHo = naSheet({
    pollingAreaId: 'tay-ho-0001',
    registeredVoters: 1000,
    votersVoted: 990,
    ballotsIssued: 990,
    ballotsReceived: 990,
    validBallots: 980,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 700, 'na-01-2': 600, 'na-01-3': 300 },
  });
  const council = {
    ...naSheet({ contestId: 'hdnd-tp' }),
    candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 },
  };
  for (const sheet of [naSheet(), secondBaDinhNaSheet(), tayHo, council]) {
    expect((await api.call('POST', `/elections/${electionId}/tallies`, sheet)).status).toBe(201);
  }
  const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = secondBaDinhNaSheet();
  const corrected = await api.call(
    'POST',
    `/elections/${electionId}/tallies/ba-dinh-0002/na/corrections`,
    {
      ...counts,
      candidateVotes: { 'na-01-1': 300, 'na-01-2': 500, 'na-01-3': 600 },
      reason: 'Nhập nhầm hai ô',
    },
    { 'if-match': '"0"' },
  );
  expect(corrected.status).toBe(201);
  scan = scanFiles.png();
  const attached = await api.app.inject({
    method: 'PUT',
    url: `/elections/${electionId}/tallies/tay-ho-0001/na/scan`,
    payload: scan,
    headers: {
      'content-type': 'image/png',
      authorization: `Bearer ${await api.tokenFor({ role: 'admin' })}`,
    },
  });
  expect(attached.statusCode).toBe(201);
  head = JSON.parse(attached.body).position;
});
afterAll(() => api?.close());

async function city(): Promise<Json> {
  const res = await api.call('GET', `/elections/${electionId}/results/city?minPosition=${head}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('GET …/results/polling-areas.csv', () => {
  let rows: Row[];
  let res: Awaited<ReturnType<typeof get>>;
  beforeAll(async () => {
    res = await get(`polling-areas.csv?minPosition=${head}`);
    rows = parse(res.body, { columns: true, skip_empty_lines: true }) as Row[];
  });

  it('is public CSV with one row per polling area and contest, reported or not', () => {
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers.etag).toBe(`"${head}"`);
    expect(rows.map((r) => `${r.contestId}/${r.unitId}/${r.pollingAreaId}/${r.status}`)).toEqual([
      'na/na-01/ba-dinh-0001/submitted',
      'na/na-01/ba-dinh-0002/corrected',
      'na/na-01/tay-ho-0001/submitted',
      'na/na-01/tay-ho-0002/not-reported',
      'hdnd-tp/tp-01/ba-dinh-0001/submitted',
      'hdnd-tp/tp-01/ba-dinh-0002/not-reported',
      'hdnd-tp/tp-02/tay-ho-0001/not-reported',
      'hdnd-tp/tp-02/tay-ho-0002/not-reported',
    ]);
    const header = res.body.split('\n')[0];
    expect(header).toBe(
      'electionId,contestId,unitId,districtId,pollingAreaId,pollingAreaName,status,revision,position,eventHash,' +
        'scanDigest,registeredVoters,votersVoted,ballotsIssued,ballotsReceived,validBallots,invalidBallots,' +
        'candidate1Id,candidate1Votes,candidate2Id,candidate2Votes,candidate3Id,candidate3Votes',
    );
  });

  it('its sums equal the city results, contest by contest and candidate by candidate', async () => {
    const results = await city();
    for (const contest of results.contests) {
      const mine = rows.filter((r) => r.contestId === contest.contestId && r.status !== 'not-reported');
      expect(mine).toHaveLength(contest.pollingAreasReported);
      for (const field of ['registeredVoters', 'votersVoted', 'validBallots', 'invalidBallots']) {
        expect([field, sum(mine.map((r) => Number(r[field])))]).toEqual([field, contest[field]]);
      }
      for (const unit of contest.units) {
        for (const candidate of unit.candidates) {
          const votes = mine
            .filter((r) => r.unitId === unit.unitId)
            .map((r) => votesOf(r, candidate.candidateId));
          expect([candidate.candidateId, sum(votes)]).toEqual([candidate.candidateId, candidate.votes]);
        }
      }
    }
    // Not vacuous: the corrected figures are the ones counted.
    expect(results.contests[0].units[0].candidates.find((c: Json) => c.candidateId === 'na-01-3').votes).toBe(
      400 + 600 + 300,
    );
  });

  it("each row names the sheet's revision, position, last event hash and scan digest", async () => {
    const stream = await api.app.get(EventStore).readStream(`tally-${electionId}.tay-ho-0001.na`);
    const row = rows.find((r) => r.pollingAreaId === 'tay-ho-0001' && r.contestId === 'na')!;
    expect(row).toMatchObject({
      revision: '1',
      position: String(stream[1].position),
      eventHash: stream[1].metadata.hash,
      scanDigest: createHash('sha256').update(scan).digest('hex'),
      candidate1Id: 'na-01-1',
      candidate1Votes: '700',
    });
    const notReported = rows.find((r) => r.status === 'not-reported')!;
    expect(COUNTS.map((f) => notReported[f])).toEqual(COUNTS.map(() => ''));
  });

  it('If-None-Match with its ETag → 304; an unknown election → 404', async () => {
    expect((await get('polling-areas.csv', { 'if-none-match': `"${head}"` })).statusCode).toBe(304);
    const unknown = await api.app.inject({ method: 'GET', url: '/elections/nope/results/polling-areas.csv' });
    expect([unknown.statusCode, JSON.parse(unknown.body).code]).toEqual([404, 'ELECTION.NOT_FOUND']);
  });

  it('…/polling-areas.json has the same rows, counts as the api names them', async () => {
    const json = await get(`polling-areas.json?minPosition=${head}`);
    expect(json.statusCode).toBe(200);
    const body = JSON.parse(json.body);
    expect([body.electionId, body.position]).toEqual([electionId, head]);
    expect(body.rows).toHaveLength(rows.length);
    body.rows.forEach((r: Json, i: number) => {
      expect([r.pollingAreaId, r.contestId, r.status, r.eventHash ?? '']).toEqual([
        rows[i].pollingAreaId,
        rows[i].contestId,
        rows[i].status,
        rows[i].eventHash,
      ]);
      if (r.counts) expect(r.counts.validBallots).toBe(Number(rows[i].validBallots));
      else expect(rows[i].validBallots).toBe('');
    });
    expect(body.rows[1].counts.candidateVotes).toEqual({ 'na-01-1': 300, 'na-01-2': 500, 'na-01-3': 600 });
  });
});

describe('GET …/results/cdf.json (NIST SP 1500-100 v2)', () => {
  let report: Json;
  beforeAll(async () => {
    const res = await get(`cdf.json?minPosition=${head}`);
    expect(res.statusCode).toBe(200);
    report = JSON.parse(res.body);
  });

  it('validates against the official JSON schema (draft-04)', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, '../fixtures/nist/NIST_V2_election_results_reporting.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addKeyword({ keyword: 'refTypes' }); // NIST's annotation of what an id refers to
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    // The validator bites: a report missing a required field fails.
    const { Issuer: _, ...broken } = report;
    expect(validate(broken)).toBe(false);
  });

  it('its vote counts sum to the city results; partial until every sheet is in', async () => {
    const results = await city();
    const contests = report.Election[0].Contest;
    for (const contest of results.contests) {
      for (const unit of contest.units) {
        const cdf = contests.find((c: Json) => c['@id'] === `contest-${contest.contestId}-${unit.unitId}`);
        expect([cdf.VotesAllowed, cdf.SubUnitsReported]).toEqual([unit.seats, unit.pollingAreasReported]);
        for (const candidate of unit.candidates) {
          const selection = cdf.ContestSelection.find((s: Json) =>
            s.CandidateIds.includes(`candidate-${contest.contestId}-${candidate.candidateId}`),
          );
          expect(sum(selection.VoteCounts.map((v: Json) => v.Count))).toBe(candidate.votes);
        }
      }
    }
    expect(report.Status).toBe('unofficial-partial');
    expect(report.Notes).toContain(`at position ${head}`);
  });
});
