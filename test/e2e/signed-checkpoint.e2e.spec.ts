import { checkSignedCheckpoint } from '@tally/domain';
import { verifyExportFile } from '@tally/read-models';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, TestApi } from '../support/api';
import { runCliAsync, runCli as runCliOn } from '../support/cli';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

/** Issue 12 §3: the checkpoint is public and signed (Ed25519); anyone checks it offline against an export. */
jest.setTimeout(240_000);

let api: TestApi;
let electionId: string;
let dir: string;
let checkpoint: Record<string, string | number>;
let publicKeyPem: string;
let exportFile: string;

const runCli = (...args: string[]) => runCliOn(api.db.url, ...args);
/** The text with one bit of the character at `index` flipped. */
const flipBit = (text: string, index: number) =>
  text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ 1) + text.slice(index + 1);
const save = (name: string, content: string | object) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

beforeAll(async () => {
  api = await startTestApi();
  dir = mkdtempSync(join(tmpdir(), 'tally-signed-'));
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  let position = -1;
  for (const sheet of [naSheet(), secondBaDinhNaSheet()]) {
    const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
    position = res.body.position;
  }
  // Public: no token.
  const res = await api.call(
    'GET',
    `/elections/${electionId}/audit/checkpoint?minPosition=${position}`,
    undefined,
    {
      authorization: '',
    },
  );
  expect(res.status).toBe(200);
  checkpoint = res.body;
  const key = await api.call('GET', `/elections/${electionId}/audit/public-key`, undefined, {
    authorization: '',
  });
  expect(key.status).toBe(200);
  publicKeyPem = key.body.publicKeyPem;
  const auditor = await api.tokenFor({ role: 'auditor' });
  const exported = await api.app.inject({
    method: 'GET',
    url: `/elections/${electionId}/audit/export`,
    headers: { authorization: `Bearer ${auditor}` },
  });
  exportFile = save('export.ndjson', exported.body);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await api?.close();
});

describe('the signed checkpoint', () => {
  it('is public and carries the exact signed text and an Ed25519 signature of it', () => {
    expect(checkpoint.signedPayload).toBe(
      `tally-ledger audit checkpoint v1\nelectionId: ${electionId}\nposition: ${checkpoint.position}\n` +
        `eventCount: 3\ndigest: ${checkpoint.digest}\nat: ${checkpoint.at}\n`,
    );
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(checkSignedCheckpoint(checkpoint, publicKeyPem)).toMatchObject({ valid: true });
  });

  it('an unknown election has no checkpoint and no key (404)', async () => {
    for (const path of ['checkpoint', 'public-key']) {
      const res = await api.call('GET', `/elections/nope/audit/${path}`, undefined, { authorization: '' });
      expect([res.status, res.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
    }
  });

  it('the export reaches the signed digest at its position; a checkpoint the file does not reach fails', async () => {
    const check = checkSignedCheckpoint(checkpoint, publicKeyPem);
    if (!check.valid) throw new Error(check.problem);
    const ok = await verifyExportFile(exportFile, { checkpoints: [check.fields] });
    expect(ok.problems).toEqual([]);
    const other = await verifyExportFile(exportFile, {
      checkpoints: [{ ...check.fields, digest: flipBit(check.fields.digest, 3) }],
    });
    expect(other.problems.map((p) => p.kind)).toEqual(['digest-mismatch']);
  });

  it('verify-export --checkpoint FILE --public-key URL: 0 for the real one', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.getHttpServer().address() as { port: number };
    const keyUrl = `http://127.0.0.1:${address.port}/elections/${electionId}/audit/public-key`;
    const run = await runCliAsync(
      api.db.url,
      'verify-export',
      exportFile,
      '--checkpoint',
      save('checkpoint.json', checkpoint),
      '--public-key',
      keyUrl,
    );
    expect(run.stderr).toContain(
      `SIGNATURE VALID: checkpoint of ${electionId} at position ${checkpoint.position}`,
    );
    expect(run.stderr).toContain(
      'INTACT: every hash, link and revision in the file checks out, and it reaches the signed checkpoint',
    );
    expect(run.status).toBe(0);
  });

  it('exit 1 when one bit of the signed digest is flipped, or one bit of the signature', async () => {
    const payload = String(checkpoint.signedPayload);
    const index = payload.indexOf(String(checkpoint.digest)) + 7;
    const digestFlipped = {
      ...checkpoint,
      signedPayload: flipBit(payload, index),
      digest: flipBit(String(checkpoint.digest), 7),
    };
    const key = save('key.pem', publicKeyPem);
    const first = runCli(
      'verify-export',
      exportFile,
      '--checkpoint',
      save('digest.json', digestFlipped),
      '--public-key',
      key,
    );
    expect(first.stderr).toContain('SIGNATURE INVALID: the signature does not verify');
    expect(first.status).toBe(1);

    const signature = Buffer.from(String(checkpoint.signature), 'base64');
    signature[10] ^= 0x01;
    const signatureFlipped = { ...checkpoint, signature: signature.toString('base64') };
    const second = runCli(
      'verify-export',
      exportFile,
      '--checkpoint',
      save('sig.json', signatureFlipped),
      '--public-key',
      key,
    );
    expect(second.stderr).toContain('SIGNATURE INVALID: the signature does not verify');
    expect(second.status).toBe(1);
  });

  it('--checkpoint without --public-key is a usage error (2)', () => {
    expect(runCli('verify-export', exportFile, '--checkpoint', save('c.json', checkpoint)).status).toBe(2);
  });
});
