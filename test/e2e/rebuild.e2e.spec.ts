import { PostgresEventStore } from '@tally/event-store';
import { allProjections } from '@tally/platform';
import { createReadModelDataSource, ShadowRebuild } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { runCli as runCliOn } from '../support/cli';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;
let store: PostgresEventStore;
let dataSource: DataSource;
let last = -1;

const TABLES = allProjections().flatMap((p) => p.tables);

/** Every row of every projection table, in a stable order, and the checkpoints. */
async function snapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const table of TABLES) {
    const rows = await dataSource.query(`SELECT to_jsonb(t) AS row FROM "${table}" t`);
    out[table] = rows.map((r: { row: unknown }) => JSON.stringify(r.row)).sort();
  }
  out.checkpoints = await dataSource.query(
    'SELECT name, version, position FROM projection_checkpoints ORDER BY name',
  );
  return out;
}

const runCli = (...args: string[]) => runCliOn(api.db.url, ...args);

// The specs start the CLI as a process (ts-node), which takes a while on a busy machine.
jest.setTimeout(240_000);

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  for (const sheet of [
    naSheet(),
    secondBaDinhNaSheet(),
    { ...naSheet({ contestId: 'hdnd-tp' }), candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 } },
  ]) {
    const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
    last = res.body.position;
  }
  const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = naSheet();
  const corrected = await api.call(
    'POST',
    `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
    { ...counts, validBallots: 1210, invalidBallots: 28, reason: 'Đếm lại phiếu không hợp lệ' },
    { 'if-match': '"0"' },
  );
  expect(corrected.status).toBe(201);
  last = corrected.body.position;
  expect(
    (await api.call('GET', `/elections/${electionId}/audit/checkpoint?minPosition=${last}`)).status,
  ).toBe(200);
  store = new PostgresEventStore(api.db.url);
  dataSource = await createReadModelDataSource(api.db.url).initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await store?.close();
  await api?.close();
});

describe('rebuild and verify-read-models (the api keeps running its projections)', () => {
  it('verify-read-models finds no difference on untouched read models', async () => {
    for (const projection of allProjections()) {
      const result = await new ShadowRebuild(dataSource, store, projection).verify();
      expect([projection.name, result.differences]).toEqual([projection.name, []]);
      expect(result.position).toBe(last);
    }
    expect(runCli('verify-read-models').status).toBe(0);
  });

  it('verify-read-models names a manually altered live row, and rebuild restores rows identical to the live ones', async () => {
    const before = await snapshot();
    await dataSource.query(
      `UPDATE rm_district_results SET valid_ballots = valid_ballots + 1 WHERE election_id = $1 AND district_id = 'ba-dinh' AND contest_id = 'na'`,
      [electionId],
    );
    const results = allProjections().find((p) => p.name === 'results')!;
    const verified = await new ShadowRebuild(dataSource, store, results).verify();
    expect(verified.differences.map((d) => [d.table, d.onlyLiveCount, d.onlyRebuiltCount])).toEqual([
      ['rm_district_results', 1, 1],
    ]);
    expect(verified.differences[0].onlyLive[0]).toMatchObject({ district_id: 'ba-dinh', contest_id: 'na' });
    const cli = runCli('verify-read-models');
    expect(cli.stderr).toContain('DIFFERENT results rm_district_results');
    expect(cli.status).toBe(1);

    const rebuilt = runCli('rebuild', 'results');
    expect(rebuilt.status).toBe(0);
    expect(await snapshot()).toEqual(before);
    // Every projection rebuilt again: still identical, and the api keeps answering from the swapped rows.
    for (const projection of allProjections())
      await new ShadowRebuild(dataSource, store, projection).rebuild();
    expect(await snapshot()).toEqual(before);

    const more = await api.call(
      'POST',
      `/elections/${electionId}/tallies`,
      naSheet({
        pollingAreaId: 'tay-ho-0002',
        registeredVoters: 800,
        votersVoted: 700,
        ballotsIssued: 700,
        ballotsReceived: 700,
        validBallots: 690,
        invalidBallots: 10,
        candidateVotes: { 'na-01-1': 100, 'na-01-2': 200, 'na-01-3': 300 },
      }),
    );
    expect(more.status).toBe(201);
    const city = await api.call(
      'GET',
      `/elections/${electionId}/results/city?minPosition=${more.body.position}`,
    );
    expect(city.status).toBe(200);
    const atHead = await api.call(
      'GET',
      `/elections/${electionId}/results/city?atPosition=${more.body.position}`,
    );
    expect(city.body).toEqual(atHead.body);
  });
});
