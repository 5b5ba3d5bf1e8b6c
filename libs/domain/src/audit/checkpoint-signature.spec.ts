import { generateKeyPairSync } from 'node:crypto';
import {
  checkpointPayload,
  CheckpointFields,
  checkSignedCheckpoint,
  parseCheckpointPayload,
  signCheckpointPayload,
} from './checkpoint-signature';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const fields: CheckpointFields = {
  electionId: 'hn-2021',
  position: 9747,
  eventCount: 9701,
  digest: '3f6c'.repeat(16),
  at: '2021-05-23T14:02:11.123Z',
};
const signed = () => {
  const signedPayload = checkpointPayload(fields);
  return { ...fields, signedPayload, signature: signCheckpointPayload(signedPayload, privateKey) };
};
/** The text with one bit of the character at `index` flipped. */
const flipBit = (text: string, index: number, bit = 0) =>
  text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ (1 << bit)) + text.slice(index + 1);

describe('checkpoint payload', () => {
  it('names the election, position, event count, digest and time, one per line', () => {
    expect(checkpointPayload(fields)).toBe(
      'tally-ledger audit checkpoint v1\nelectionId: hn-2021\nposition: 9747\neventCount: 9701\n' +
        `digest: ${fields.digest}\nat: 2021-05-23T14:02:11.123Z\n`,
    );
  });

  it('parses back exactly what it writes, and nothing else', () => {
    const text = checkpointPayload(fields);
    expect(parseCheckpointPayload(text)).toEqual(fields);
    for (const variant of [
      text.replace(/\n/g, '\r\n'),
      text.trimEnd(),
      text.replace('position: 9747', 'position: 09747'),
      text.replace('position: ', 'position:'),
      text.replace(fields.digest, fields.digest.toUpperCase()),
      text + 'extra: 1\n',
      text.replace('v1', 'v2'),
    ]) {
      expect(parseCheckpointPayload(variant)).toBeUndefined();
    }
  });
});

describe('a signed checkpoint', () => {
  it('verifies with the public key', () => {
    expect(checkSignedCheckpoint(signed(), publicKeyPem)).toEqual({ valid: true, fields });
  });

  it('is deterministic (Ed25519): the same checkpoint gives the same signature', () => {
    expect(signed().signature).toBe(signed().signature);
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('fails when one bit (bit %i) of the signed digest is flipped', (bit) => {
    const checkpoint = signed();
    const at = checkpoint.signedPayload.indexOf(fields.digest) + 10;
    const result = checkSignedCheckpoint(
      { ...checkpoint, signedPayload: flipBit(checkpoint.signedPayload, at, bit) },
      publicKeyPem,
    );
    expect(result.valid).toBe(false);
  });

  it.each([0, 17, 40, 63])('fails when one bit of signature byte %i is flipped', (byte) => {
    const checkpoint = signed();
    const raw = Buffer.from(checkpoint.signature, 'base64');
    raw[byte] ^= 0x01;
    const result = checkSignedCheckpoint({ ...checkpoint, signature: raw.toString('base64') }, publicKeyPem);
    expect(result).toMatchObject({ valid: false, problem: expect.stringContaining('does not verify') });
  });

  it('fails when the digest shown beside the signature differs from the signed one', () => {
    const checkpoint = { ...signed(), digest: flipBit(fields.digest, 5) };
    expect(checkSignedCheckpoint(checkpoint, publicKeyPem)).toMatchObject({
      valid: false,
      problem: expect.stringContaining('digest beside the signature'),
    });
  });

  it('fails with another key, a key of another kind, or no signature', () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(checkSignedCheckpoint(signed(), other).valid).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(checkSignedCheckpoint(signed(), ec)).toMatchObject({
      valid: false,
      problem: expect.stringContaining('not Ed25519'),
    });
    expect(checkSignedCheckpoint({ ...fields }, publicKeyPem).valid).toBe(false);
    expect(checkSignedCheckpoint({ ...signed(), signature: 'not base64!' }, publicKeyPem).valid).toBe(false);
  });
});
