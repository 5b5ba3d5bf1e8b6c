import { PostgresEventStore } from '@tally/event-store';
import { verifyLog } from '@tally/read-models';
import { PostgresScanStore } from '@tally/scan-store';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { startTestApi, TestApi } from '../support/api';
import { runCli } from '../support/cli';
import { naSheet, scanFiles, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

/** `verify` checks that every digest a TallyScanAttached names has its bytes in the scan store, unaltered. */
jest.setTimeout(240_000);

let api: TestApi;
let events: PostgresEventStore;
let scans: PostgresScanStore;
let sql: Client;
const files = { first: scanFiles.jpeg(), second: scanFiles.pdf() };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const verify = () => verifyLog(events, { scans: async (digest) => (await scans.get(digest))?.bytes });

beforeAll(async () => {
  api = await startTestApi();
  const { electionId } = smallElection();
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  const token = await api.tokenFor({ role: 'admin' });
  for (const [sheet, file, type] of [
    [naSheet(), files.first, 'image/jpeg'],
    [secondBaDinhNaSheet(), files.second, 'application/pdf'],
  ] as const) {
    expect((await api.call('POST', `/elections/${electionId}/tallies`, sheet)).status).toBe(201);
    const res = await api.app.inject({
      method: 'PUT',
      url: `/elections/${electionId}/tallies/${sheet.pollingAreaId}/na/scan`,
      payload: file,
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(201);
  }
  events = new PostgresEventStore(api.db.url);
  scans = new PostgresScanStore(api.db.url);
  sql = new Client({ connectionString: api.db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await scans?.close();
  await events?.close();
  await api?.close();
});

describe('verify and the scans', () => {
  it('passes while every referenced scan is present and hashes to its digest', async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.scans).toEqual({ referenced: 2, checked: 2 });
  });

  it('reports an altered scan and a missing one (and the CLI exits 1 naming them)', async () => {
    const altered = Buffer.from(files.first);
    altered[100] ^= 0x01;
    await sql.query('UPDATE scan_blobs SET bytes = $1 WHERE digest = $2', [altered, sha256(files.first)]);
    await sql.query('DELETE FROM scan_blobs WHERE digest = $1', [sha256(files.second)]);

    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.streamId])).toEqual([
      ['scan-altered', expect.stringMatching(/\.ba-dinh-0001\.na$/)],
      ['scan-missing', expect.stringMatching(/\.ba-dinh-0002\.na$/)],
    ]);
    expect(report.problems[0].detail).toContain(`hash to ${sha256(altered)}`);

    const cli = runCli(api.db.url, 'verify');
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(
      'scans: 2 referenced, 2 distinct digest(s) checked in the postgres scan store',
    );
    expect(cli.stderr).toContain('TAMPERED: 2 problem(s)');
    expect(cli.stderr).toMatch(/scan-altered at stream tally-.*ba-dinh-0001\.na, revision 1/);
    expect(cli.stderr).toMatch(/then: scan-missing at stream tally-.*ba-dinh-0002\.na, revision 1/);
  });
});
