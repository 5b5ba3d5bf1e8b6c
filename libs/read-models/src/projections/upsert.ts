import type { EntityManager } from 'typeorm';

/** One statement for many rows: the rows travel as one jsonb parameter, so no placeholder limit applies. */
export async function upsert(
  manager: EntityManager,
  table: string,
  keyColumns: string[],
  columns: Record<string, string>,
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const record = names.map((n) => `${n} ${columns[n]}`).join(', ');
  const updates = names
    .filter((n) => !keyColumns.includes(n))
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ');
  await manager.query(
    `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${record})
     ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`,
    [JSON.stringify(rows)],
  );
}
