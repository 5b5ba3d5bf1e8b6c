/**
 * `npm run bench:district-rows`: what PostgreSQL spends writing district rows shaped like a national night's (a
 * province × contest row holds every candidate of the province: ROWS rows of KEYS candidates, TOUCHED of them
 * changed per batch, CHANGED votes each), the two ways the results projection has written them, with the votes
 * column compressed (PostgreSQL's default) and not (STORAGE EXTERNAL, migration 1765600000000):
 * - whole: read the rows with their votes, write them back whole (INSERT … ON CONFLICT DO UPDATE);
 * - changed: read the rows without their votes (the projector keeps them), write the totals and the changed votes
 *   (`candidate_votes || changes`).
 * The server's CPU is read from /proc for the one backend doing the work. Prints; asserts nothing.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@tally/platform';
import { freePort } from '../support/api-process';

const ROWS = Number(process.env.BENCH_DISTRICT_ROWS ?? 252);
const KEYS = Number(process.env.BENCH_DISTRICT_KEYS ?? 330);
const TOUCHED = Number(process.env.BENCH_DISTRICT_TOUCHED ?? 80);
const CHANGED = 12;
const BATCHES = Number(process.env.BENCH_DISTRICT_BATCHES ?? 200);

/** CPU time (user + system) of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const votes = (seed: number) =>
  Object.fromEntries(
    Array.from({ length: KEYS }, (_, i) => [`hd-${String(i).padStart(3, '0')}-${i % 7}`, seed * 1000 + i]),
  );

async function measure(
  client: Client,
  mode: 'whole' | 'changed',
): Promise<{ serverMs: number; wallMs: number }> {
  const keys = [...Array(ROWS).keys()].map((r) => `p${r}|c${r % 4}`);
  const kept = new Map<string, number>();
  const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const batch = keys.filter((_, j) => (j + b) % Math.ceil(ROWS / TOUCHED) === 0);
    if (mode === 'whole') {
      const { rows } = await client.query('SELECT d.* FROM d JOIN unnest($1::text[]) AS k(k) ON d.k = k.k', [
        batch,
      ]);
      const out = rows.map((r) => {
        for (const id of Object.keys(r.votes).slice(0, CHANGED)) r.votes[id] += 1;
        return { k: r.k, n: Number(r.n) + 1, last_position: b, votes: r.votes };
      });
      await client.query(
        `INSERT INTO d (k, n, last_position, votes)
         SELECT k, n, last_position, votes
         FROM jsonb_to_recordset($1::jsonb) AS x(k text, n bigint, last_position bigint, votes jsonb)
         ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n, last_position = EXCLUDED.last_position, votes = EXCLUDED.votes`,
        [JSON.stringify(out)],
      );
    } else {
      const { rows } = await client.query(
        `SELECT d.k, d.n, CASE WHEN d.last_position = k.p THEN NULL ELSE d.votes END AS votes
         FROM d JOIN unnest($1::text[], $2::bigint[]) AS k(k, p) ON d.k = k.k`,
        [batch, batch.map((k) => kept.get(k) ?? null)],
      );
      const out = rows.map((r) => {
        kept.set(r.k, b);
        const ids = Object.keys(votes(0)).slice(0, CHANGED);
        return {
          k: r.k,
          n: Number(r.n) + 1,
          last_position: b,
          changed: Object.fromEntries(ids.map((id) => [id, b])),
        };
      });
      await client.query(
        `UPDATE d SET n = x.n, last_position = x.last_position, votes = d.votes || x.changed
         FROM jsonb_to_recordset($1::jsonb) AS x(k text, n bigint, last_position bigint, changed jsonb)
         WHERE d.k = x.k`,
        [JSON.stringify(out)],
      );
    }
  }
  return { serverMs: (cpuMs(pid) - cpuBefore) / BATCHES, wallMs: (performance.now() - started) / BATCHES };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-district-rows-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  const client = new Client({ connectionString: server.url });
  await client.connect();
  try {
    console.log(
      `district rows: ${ROWS} rows of ${KEYS} candidates, ${TOUCHED} rows per batch, ${BATCHES} batches (per batch):`,
    );
    for (const storage of ['EXTENDED', 'EXTERNAL'] as const) {
      for (const mode of ['whole', 'changed'] as const) {
        await client.query('DROP TABLE IF EXISTS d');
        await client.query(
          'CREATE TABLE d (k text PRIMARY KEY, n bigint, last_position bigint, votes jsonb NOT NULL)',
        );
        await client.query(`ALTER TABLE d ALTER COLUMN votes SET STORAGE ${storage}`);
        await client.query(
          `INSERT INTO d SELECT 'p' || r || '|c' || (r % 4), 0, -1, $1::jsonb FROM generate_series(0, $2 - 1) r`,
          [JSON.stringify(votes(1)), ROWS],
        );
        const { serverMs, wallMs } = await measure(client, mode);
        const label = `${mode === 'whole' ? 'read and written whole' : 'kept, changed votes written'}, ${
          storage === 'EXTENDED' ? 'compressed' : 'not compressed'
        }`;
        console.log(
          `  ${label.padEnd(52)} server CPU ${serverMs.toFixed(2)} ms, wall ${wallMs.toFixed(2)} ms`,
        );
      }
    }
  } finally {
    await client.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
