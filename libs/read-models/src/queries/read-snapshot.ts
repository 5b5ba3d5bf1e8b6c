import type { EntityManager } from 'typeorm';
import type { ReadDatabase } from './read-router';
import { START } from '@tally/event-store';

/**
 * Runs the reads in one REPEATABLE READ, read-only transaction: every row and the checkpoint come from the same
 * snapshot, so the `position` a response carries is exactly the one its numbers reflect.
 */
export async function readSnapshot<T>(
  dataSource: ReadDatabase,
  read: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const result = await read(runner.manager);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

export async function checkpointPosition(manager: EntityManager, projectionName: string): Promise<number> {
  const rows = await manager.query('SELECT position FROM projection_checkpoints WHERE name = $1', [
    projectionName,
  ]);
  return rows.length > 0 ? Number(rows[0].position) : START;
}

/** Rounded to 4 decimals; 0 when there is nothing to divide by. */
export function ratio(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;
}
