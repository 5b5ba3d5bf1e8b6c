import { readFileSync } from 'node:fs';
import { apiAuthorization } from '../api-auth';

/**
 * `import FILE [--api URL]`: defines the election in FILE through the running api (POST /elections), so the same
 * validation, metadata and event store apply as for any client. Sends TALLY_TOKEN, or mints a short-lived city-admin
 * token from the local key (see api-auth.ts).
 */
export async function importCommand(
  file: string | undefined,
  api: string,
  log: (line: string) => void,
): Promise<number> {
  if (!file) {
    log('Usage: npm run cli -- import FILE [--api http://localhost:3000]');
    return 2;
  }
  let body: string;
  try {
    body = readFileSync(file, 'utf8');
    JSON.parse(body);
  } catch (error) {
    log(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(new URL('/elections', api), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await apiAuthorization()) },
      body,
    });
  } catch (error) {
    log(
      `Cannot reach the api at ${api} (${error instanceof Error ? error.message : String(error)}): is it running (npm start)?`,
    );
    return 1;
  }
  const text = await response.text();
  if (response.status === 201) {
    const result = JSON.parse(text) as { electionId: string; position: number };
    log(`Defined election ${result.electionId} (event at position ${result.position})`);
    return 0;
  }
  log(`The api refused the definition: HTTP ${response.status}`);
  log(text);
  return 1;
}
