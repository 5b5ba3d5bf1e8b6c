import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExportFile } from '@tally/read-models';
import { runCli as runCliOn } from '../support/cli';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;
let dir: string;
let lastPosition = -1;

// The specs start the CLI as a process (ts-node), which takes a while on a busy machine.
jest.setTimeout(240_000);

beforeAll(async () => {
  api = await startTestApi();
  dir = mkdtempSync(join(tmpdir(), 'tally-export-'));
  electionId = smallElection().electionId;
  // A second election in the same log: its events must stay out of the first one's export.
  expect((await api.call('POST', '/elections', smallElection())).status).toBe(201);
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  for (const sheet of [
    naSheet(),
    secondBaDinhNaSheet(),
    { ...naSheet({ contestId: 'hdnd-tp' }), candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 } },
  ]) {
    const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
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
  lastPosition = corrected.body.position;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await api.close();
});

async function exportOverHttp(): Promise<string> {
  const auditor = await api.tokenFor({ role: 'auditor', sub: 'auditor-1' });
  const res = await api.app.inject({
    method: 'GET',
    url: `/elections/${electionId}/audit/export`,
    headers: { authorization: `Bearer ${auditor}` },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/x-ndjson');
  return res.body;
}

const runCli = (...args: string[]) => runCliOn(api.db.url, ...args);

describe('export and offline verification', () => {
  it('streams one line per event of the election, with the chain fields', async () => {
    const lines = (await exportOverHttp())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.streamId.includes(electionId))).toBe(true);
    expect(Object.keys(lines[0]).sort()).toEqual(
      [
        'data',
        'hash',
        'metadata',
        'position',
        'prevHash',
        'recordedAt',
        'revision',
        'streamId',
        'type',
      ].sort(),
    );
    expect(lines[lines.length - 1].position).toBe(lastPosition);
    const unknown = await api.call('GET', '/elections/nope/audit/export');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
  });

  it('an export verified offline reproduces the city totals of the live api and the published digest', async () => {
    const file = join(dir, 'http.ndjson');
    writeFileSync(file, await exportOverHttp());
    const result = await verifyExportFile(file);
    expect(result.problems).toEqual([]);
    const live = await api.call('GET', `/elections/${electionId}/results/city?minPosition=${lastPosition}`);
    expect(result.cities).toEqual([live.body]);
    const checkpoint = await api.call('GET', `/elections/${electionId}/audit/checkpoint`);
    expect(result.digests).toEqual([
      { electionId, position: checkpoint.body.position, eventCount: 5, digest: checkpoint.body.digest },
    ]);

    // The CLI writes the same file from the store, and checks it without a database.
    const cliFile = join(dir, 'cli.ndjson');
    const exported = runCli('export', cliFile, '--election', electionId);
    expect(exported.status).toBe(0);
    expect(readFileSync(cliFile, 'utf8')).toBe(readFileSync(file, 'utf8'));
    const checked = runCli('verify-export', cliFile, '--digest', `${electionId}=${checkpoint.body.digest}`);
    expect(checked.stderr).toContain('INTACT');
    expect(checked.stdout).toContain(
      `na (Quốc hội khóa XV): 2/4 polling areas, ${live.body.contests[0].votersVoted}/${live.body.contests[0].registeredVoters} voted`,
    );
    expect(checked.status).toBe(0);
    const wrongDigest = runCli('verify-export', cliFile, '--digest', `${electionId}=${'1'.repeat(64)}`);
    expect(wrongDigest.status).toBe(1);
  });

  it('catches a tampered line, naming its stream and revision', async () => {
    const lines = (await exportOverHttp()).trim().split('\n');
    const index = lines.findIndex((l) => JSON.parse(l).type === 'TallyCorrected');
    const event = JSON.parse(lines[index]);
    event.data.counts.candidateVotes['na-01-1'] = 600;
    lines[index] = JSON.stringify(event);
    const file = join(dir, 'tampered.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const result = await verifyExportFile(file);
    expect(result.intact).toBe(false);
    expect(result.problems[0]).toMatchObject({
      kind: 'hash-mismatch',
      streamId: event.streamId,
      revision: 1,
      position: event.position,
    });
    const cli = runCli('verify-export', file);
    expect(cli.stderr).toContain(`hash-mismatch at stream ${event.streamId}, revision 1`);
    expect(cli.status).toBe(1);

    // A removed line leaves a revision gap in its stream.
    const original = (await exportOverHttp()).trim().split('\n');
    const submitted = original.findIndex((l) => JSON.parse(l).streamId === event.streamId);
    const removed = join(dir, 'removed.ndjson');
    writeFileSync(removed, `${original.filter((_, i) => i !== submitted).join('\n')}\n`);
    const gap = await verifyExportFile(removed);
    expect(gap.problems).toEqual([
      expect.objectContaining({ kind: 'revision-gap', streamId: event.streamId, revision: 1 }),
    ]);
  });
});
