import { Client } from 'pg';

/** BENCH_STATEMENTS=1: the api and national parts also print what PostgreSQL spent its time on (pg_stat_statements). */
export const STATEMENTS = process.env.BENCH_STATEMENTS === '1';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function resetStatements(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await client.query('SELECT pg_stat_statements_reset()');
  await client.end();
}

/** The statements of the submissions' window by total execution time: calls and ms per submitted sheet. */
export async function printStatements(databaseUrl: string, sheets: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{
    calls: string;
    total: number;
    max: number;
    rows: string;
    query: string;
  }>(
    `SELECT calls, total_exec_time AS total, max_exec_time AS max, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
  );
  const { rows: sum } = await client.query<{ calls: string; total: number }>(
    'SELECT sum(calls) AS calls, sum(total_exec_time) AS total FROM pg_stat_statements',
  );
  const keys: Array<{ e: string; p: string; c: string }> = (
    await client.query(
      `SELECT election_id AS e, polling_area_id || 'x' AS p, contest_id AS c FROM rm_tally_sheets ORDER BY random() LIMIT 17`,
    )
  ).rows;
  const plan = await client.query(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT t.* FROM rm_tally_sheets t
      WHERE (t.election_id || '/' || t.polling_area_id || '/' || t.contest_id) = ANY($1::text[])`,
    [keys.map((k) => `${k.e}/${k.p}/${k.c}`)],
  );
  for (const row of plan.rows) console.log('    PLAN', row['QUERY PLAN']);
  await client.end();
  console.log(
    `  statements per sheet: ${fmt(Number(sum[0]?.calls) / sheets, 1)}, executing ${fmt(Number(sum[0]?.total) / sheets, 2)} ms per sheet; the top ones:`,
  );
  for (const row of rows)
    console.log(
      `    ${fmt(Number(row.calls) / sheets, 2).padStart(6)} calls ${fmt(row.total / sheets, 3).padStart(7)} ms/sheet (slowest ${fmt(row.max, 1)} ms, ${fmt(Number(row.rows) / Number(row.calls), 1)} rows/call)  ${row.query.slice(0, 90)}`,
    );
}
