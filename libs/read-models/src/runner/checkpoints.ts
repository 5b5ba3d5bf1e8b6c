import type { EntityManager } from 'typeorm';
import { START } from '@tally/event-store';

export interface CheckpointRow {
  name: string;
  version: number;
  position: number;
}

const toRow = (r: { name: string; version: number; position: string | number }): CheckpointRow => ({
  name: r.name,
  version: Number(r.version),
  position: Number(r.position),
});

/** Locks the checkpoint row until the transaction ends, creating it at START for a new projection. */
export async function lockCheckpoint(
  manager: EntityManager,
  name: string,
  version: number,
): Promise<CheckpointRow> {
  await manager.query(
    `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (name) DO NOTHING`,
    [name, version, START],
  );
  const rows = await manager.query(
    'SELECT name, version, position FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  );
  return toRow(rows[0]);
}

export async function saveCheckpoint(
  manager: EntityManager,
  name: string,
  version: number,
  position: number,
): Promise<void> {
  await manager.query(
    'UPDATE projection_checkpoints SET version = $2, position = $3, updated_at = now() WHERE name = $1',
    [name, version, position],
  );
}

/**
 * Moves the checkpoint from `from` to `to` if it still stands at `from` in this version; false (nothing changed)
 * when another writer moved it. One statement: the row lock it takes lasts until the transaction ends.
 */
export async function advanceCheckpoint(
  manager: EntityManager,
  name: string,
  version: number,
  from: number,
  to: number,
): Promise<boolean> {
  const [, affected] = (await manager.query(
    `UPDATE projection_checkpoints SET position = $4, updated_at = now()
     WHERE name = $1 AND version = $2 AND position = $3`,
    [name, version, from, to],
  )) as [unknown, number];
  return affected === 1;
}

export async function readCheckpoints(manager: EntityManager, names: string[]): Promise<CheckpointRow[]> {
  const rows = await manager.query(
    'SELECT name, version, position FROM projection_checkpoints WHERE name = ANY($1::text[])',
    [names],
  );
  return rows.map(toRow);
}

/** Postgres truncates all listed tables atomically; the caller's transaction also resets the checkpoint. */
export async function truncateTables(manager: EntityManager, tables: string[]): Promise<void> {
  if (tables.length === 0) return;
  await manager.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
}
