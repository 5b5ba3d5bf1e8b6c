import { readFileSync } from 'node:fs';

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** The text of a file, or the body of a GET to a URL (the api's own endpoints are public). */
async function textOf(source: string, what: string): Promise<string> {
  if (!isUrl(source)) return readFileSync(source, 'utf8');
  const response = await fetch(source, {
    headers: { accept: 'application/json, application/x-pem-file, */*' },
  });
  if (!response.ok) throw new Error(`${what}: GET ${source} answered ${response.status}`);
  return response.text();
}

/**
 * `--public-key FILE_OR_URL`: a PEM file, or JSON `{ "publicKeyPem": … }` as GET /elections/{e}/audit/public-key
 * answers (from a file or that URL).
 */
export async function readPublicKey(source: string): Promise<string> {
  const text = (await textOf(source, '--public-key')).trim();
  if (!text.startsWith('{')) return text;
  const { publicKeyPem } = JSON.parse(text) as { publicKeyPem?: unknown };
  if (typeof publicKeyPem !== 'string') throw new Error('--public-key: the JSON has no publicKeyPem');
  return publicKeyPem;
}

/** `--checkpoint FILE_OR_URL`: the JSON of GET /elections/{e}/audit/checkpoint, saved to a file or fetched. */
export async function readCheckpoint(source: string): Promise<Record<string, unknown>> {
  const value = JSON.parse(await textOf(source, '--checkpoint')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      '--checkpoint: not a JSON object (save the answer of GET /elections/{e}/audit/checkpoint)',
    );
  }
  return value as Record<string, unknown>;
}
