import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * A signed checkpoint: the server signs, with Ed25519, one UTF-8 text that names the election, the position, the
 * event count, the running digest and the time of the last covered event, one `name: value` per line:
 *
 *   tally-ledger audit checkpoint v1
 *   electionId: hn-2021
 *   position: 9747
 *   eventCount: 9701
 *   digest: 3f6c…(64 hex)
 *   at: 2021-05-23T14:02:11.123Z
 *
 * Lines end with "\n" (no "\r"), the last one too. Whoever holds the public key can check, offline, that the server
 * published exactly this digest at this point of the log; `verify-export --checkpoint --public-key` does.
 */
export const CHECKPOINT_PAYLOAD_HEADER = 'tally-ledger audit checkpoint v1';

export interface CheckpointFields {
  electionId: string;
  position: number;
  eventCount: number;
  digest: string;
  at: string;
}

const FIELDS = ['electionId', 'position', 'eventCount', 'digest', 'at'] as const;

export function checkpointPayload(c: CheckpointFields): string {
  return [CHECKPOINT_PAYLOAD_HEADER, ...FIELDS.map((name) => `${name}: ${c[name]}`)].join('\n') + '\n';
}

/** The fields of a payload, or undefined unless it is exactly what checkpointPayload writes. */
export function parseCheckpointPayload(text: string): CheckpointFields | undefined {
  const lines = text.split('\n');
  if (lines.length !== FIELDS.length + 2 || lines[0] !== CHECKPOINT_PAYLOAD_HEADER || lines.at(-1) !== '') {
    return undefined;
  }
  const values = new Map<string, string>();
  for (const [i, name] of FIELDS.entries()) {
    const prefix = `${name}: `;
    if (!lines[i + 1].startsWith(prefix)) return undefined;
    values.set(name, lines[i + 1].slice(prefix.length));
  }
  const fields: CheckpointFields = {
    electionId: values.get('electionId')!,
    position: Number(values.get('position')),
    eventCount: Number(values.get('eventCount')),
    digest: values.get('digest')!,
    at: values.get('at')!,
  };
  if (!Number.isSafeInteger(fields.position) || !Number.isSafeInteger(fields.eventCount)) return undefined;
  if (!/^[0-9a-f]{64}$/.test(fields.digest)) return undefined;
  return checkpointPayload(fields) === text ? fields : undefined;
}

/** Base64 Ed25519 signature of the payload's UTF-8 bytes. */
export function signCheckpointPayload(payload: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
}

export type CheckpointCheck =
  { valid: true; fields: CheckpointFields } | { valid: false; problem: string; fields?: CheckpointFields };

/** What a published signed checkpoint carries (GET /elections/{e}/audit/checkpoint). */
export interface SignedCheckpoint extends Partial<CheckpointFields> {
  signedPayload?: unknown;
  signature?: unknown;
}

/**
 * Checks a published checkpoint with the server's public key: the signature over `signedPayload`, the payload's form,
 * and that the fields shown beside it say the same. Only then are `fields` to be compared with a log.
 */
export function checkSignedCheckpoint(checkpoint: SignedCheckpoint, publicKeyPem: string): CheckpointCheck {
  const { signedPayload, signature } = checkpoint;
  if (typeof signedPayload !== 'string' || typeof signature !== 'string') {
    return { valid: false, problem: 'the checkpoint carries no signedPayload and signature (strings)' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return { valid: false, problem: 'the public key is not a readable PEM public key' };
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return { valid: false, problem: `the public key is ${key.asymmetricKeyType}, not Ed25519` };
  }
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) {
    return { valid: false, problem: 'the signature is not 64 bytes of base64' };
  }
  if (!verify(null, Buffer.from(signedPayload, 'utf8'), key, bytes)) {
    return {
      valid: false,
      problem:
        'the signature does not verify: signedPayload or signature was altered, or another key signed it',
    };
  }
  const fields = parseCheckpointPayload(signedPayload);
  if (!fields) return { valid: false, problem: 'the signed payload is not a checkpoint payload (v1)' };
  for (const name of FIELDS) {
    if (checkpoint[name] !== undefined && checkpoint[name] !== fields[name]) {
      return {
        valid: false,
        fields,
        problem: `${name} beside the signature (${String(checkpoint[name])}) differs from the signed ${name} (${fields[name]})`,
      };
    }
  }
  return { valid: true, fields };
}
