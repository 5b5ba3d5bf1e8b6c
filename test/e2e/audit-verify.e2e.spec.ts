import { Client } from 'pg';
import { GENESIS_HASH } from '@tally/domain';
import { PostgresEventStore } from '@tally/event-store';
import { createReadModelDataSource, verifyLog, VerifyLogReport } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { runCli as runCliOn } from '../support/cli';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;
let store: PostgresEventStore;
let readModels: DataSource;
let sql: Client;
let lastPosition = -1;

/** A correction of the first ba-dinh-0001 NA sheet: its counts with some fields changed, and a reason. */
function correction(changes: Record<string, number>) {
  const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = naSheet();
  return { ...counts, ...changes, reason: 'Biên bản ghi nhầm số phiếu' };
}

// The specs start the CLI as a process (ts-node), which takes a while on a busy machine.
jest.setTimeout(240_000);

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  for (const sheet of [naSheet(), secondBaDinhNaSheet()]) {
    const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
  }
  const corrected = await api.call(
    'POST',
    `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
    correction({ invalidBallots: 20, validBallots: 1218 }),
    { 'if-match': '"0"' },
  );
  expect(corrected.status).toBe(201);
  lastPosition = corrected.body.position;
  // The checkpoint endpoint waits for the projections like every read.
  expect(
    (await api.call('GET', `/elections/${electionId}/audit/checkpoint?minPosition=${lastPosition}`)).status,
  ).toBe(200);
  store = new PostgresEventStore(api.db.url);
  readModels = await createReadModelDataSource(api.db.url).initialize();
  sql = new Client({ connectionString: api.db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await readModels?.destroy();
  await store?.close();
  await api?.close();
});

const verify = (): Promise<VerifyLogReport> => verifyLog(store, { readModels });

const runCli = (...args: string[]) => runCliOn(api.db.url, ...args);

describe('hash chain and verify', () => {
  it('chains every event of a stream: revision 0 links to the genesis value, later ones to their predecessor', async () => {
    const stream = await store.readStream(`tally-${electionId}.ba-dinh-0001.na`);
    expect(stream).toHaveLength(2);
    expect(stream[0].metadata.prevHash).toBe(GENESIS_HASH);
    expect(stream[1].metadata.prevHash).toBe(stream[0].metadata.hash);
    expect(stream[0].metadata.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('passes on a clean log, and the recomputed digest equals the published checkpoint', async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.intact).toBe(true);
    expect(report.events).toBe(lastPosition + 1);
    const checkpoint = await api.call('GET', `/elections/${electionId}/audit/checkpoint`);
    expect(checkpoint.body).toEqual({
      electionId,
      position: lastPosition,
      eventCount: 4,
      digest: report.digests[0].digest,
      at: expect.any(String),
      signedPayload: expect.stringContaining(`digest: ${report.digests[0].digest}\n`),
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    });
    expect(report.checkpoints.map((c) => c.electionId)).toEqual([electionId]);
  });

  it('names the event whose data was altered in the event table, and the CLI exits 1', async () => {
    const target = await store.readStream(`tally-${electionId}.ba-dinh-0002.na`);
    const position = target[0].position;
    const original = await sql.query('SELECT data FROM es_events WHERE position = $1', [position]);
    await sql.query(
      `UPDATE es_events SET data = jsonb_set(data, '{counts,candidateVotes,na-01-1}', '700') WHERE position = $1`,
      [position],
    );
    try {
      const report = await verify();
      expect(report.intact).toBe(false);
      expect(report.problems[0]).toMatchObject({
        kind: 'hash-mismatch',
        streamId: `tally-${electionId}.ba-dinh-0002.na`,
        revision: 0,
        position,
      });
      expect(report.problems[0].detail).toContain(String(target[0].metadata.hash));
      // The published digest was computed over the original: it no longer matches either.
      expect(report.problems.map((p) => p.kind)).toContain('digest-mismatch');

      const cli = runCli('verify');
      expect(cli.stderr).toContain(`hash-mismatch at stream tally-${electionId}.ba-dinh-0002.na, revision 0`);
      expect(cli.status).toBe(1);
    } finally {
      await sql.query('UPDATE es_events SET data = $2 WHERE position = $1', [
        position,
        original.rows[0].data,
      ]);
    }
    expect((await verify()).intact).toBe(true);
    expect(runCli('verify').status).toBe(0);
  });

  it('names the gap a deleted event leaves: the missing position and the missing revision', async () => {
    const stream = await store.readStream(`tally-${electionId}.ba-dinh-0001.na`);
    const submitted = stream[0];
    await sql.query('DELETE FROM es_events WHERE position = $1', [submitted.position]);
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems[0]).toMatchObject({
      kind: 'position-gap',
      position: submitted.position + 1,
    });
    expect(report.problems[0].detail).toContain(`position ${submitted.position} missing`);
    const revisionGap = report.problems.find((p) => p.kind === 'revision-gap');
    expect(revisionGap).toMatchObject({ streamId: submitted.streamId, revision: 1 });
    expect(revisionGap!.detail).toContain('missing revision 0');
  });

  it('catches a deleted last event through the log head', async () => {
    await sql.query('DELETE FROM es_events WHERE position = $1', [lastPosition]);
    const report = await verify();
    expect(report.problems.map((p) => p.kind)).toContain('missing-tail');
  });
});
