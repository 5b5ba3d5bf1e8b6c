import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore } from '@tally/event-store';
import { PROJECTED_STREAM_PREFIXES, Projection } from '../projection';
import { lockCheckpoint, readCheckpoints, saveCheckpoint } from '../runner/checkpoints';

export interface ShadowProgress {
  /** Events applied so far, and how many there are up to the head when the store can tell (gapless positions). */
  (done: number, total: number | undefined): void;
}

export interface TableDifference {
  table: string;
  /** Rows only the live table has, and rows only the rebuilt shadow has (as JSON, at most `sample` each). */
  onlyLive: Array<Record<string, unknown>>;
  onlyRebuilt: Array<Record<string, unknown>>;
  onlyLiveCount: number;
  onlyRebuiltCount: number;
}

export interface ShadowResult {
  projection: string;
  /** The live checkpoint the shadow was brought to (and compared or swapped at). */
  position: number;
  events: number;
  seconds: number;
  differences: TableDifference[];
}

/**
 * Replays a projection from position 0 into a shadow schema (fresh copies of its tables), then either compares the
 * shadow with the live rows at the live checkpoint (`verify`) or puts the shadow's rows in place (`rebuild`).
 *
 * Coordination with a running ProjectionRunner: the shadow first catches up to the live checkpoint without any lock;
 * the final step runs in one transaction that locks the projection's checkpoint row (the runner locks it for every
 * batch), applies the last few events, and compares or replaces the live rows. The replacement is DELETE + INSERT in
 * that transaction rather than a table rename: PostgreSQL DDL is not MVCC-safe, so a reader whose snapshot began
 * before a rename could see empty tables; with DELETE + INSERT readers keep reading the old rows (without blocking)
 * until the transaction commits, then see the new ones with the new checkpoint.
 */
export class ShadowRebuild {
  private readonly schema = `rm_shadow_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  private liveSchema = 'public';
  private shadowPosition = -1;
  private events = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly projection: Projection,
    private readonly options: { batchSize?: number; onProgress?: ShadowProgress; sample?: number } = {},
  ) {}

  /** Rebuilds and swaps in; returns the live rows' differences from the rebuilt ones just before the swap. */
  async rebuild(): Promise<ShadowResult> {
    return this.run('swap');
  }

  /** Rebuilds in a shadow and compares with the live rows at the same position; live rows are not touched. */
  async verify(): Promise<ShadowResult> {
    return this.run('compare');
  }

  private async run(mode: 'swap' | 'compare'): Promise<ShadowResult> {
    const started = Date.now();
    await this.createShadow();
    try {
      const [live] = await readCheckpoints(this.dataSource.manager, [this.projection.name]);
      const target = live && live.version === this.projection.version ? live.position : -1;
      if (live && live.version > this.projection.version) {
        throw new Error(
          `the live rows of ${this.projection.name} belong to version ${live.version}, newer than this code's ${this.projection.version}`,
        );
      }
      await this.catchUp(target);
      const result = await this.dataSource.transaction(async (manager) => {
        const { name, version } = this.projection;
        const checkpoint = await lockCheckpoint(manager, name, version);
        const position = checkpoint.version === version ? checkpoint.position : -1;
        await this.catchUp(position, manager);
        const differences = await this.compare(manager);
        if (mode === 'swap') {
          for (const table of this.projection.tables) {
            await manager.query(`DELETE FROM ${this.live(table)}`);
            await manager.query(`INSERT INTO ${this.live(table)} SELECT * FROM ${this.shadow(table)}`);
          }
          await saveCheckpoint(manager, name, version, Math.max(position, this.shadowPosition));
        }
        return { position, differences };
      });
      return {
        projection: this.projection.name,
        position: result.position,
        events: this.events,
        seconds: (Date.now() - started) / 1000,
        differences: result.differences,
      };
    } finally {
      await this.dataSource.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    }
  }

  private live(table: string): string {
    return `"${this.liveSchema}"."${table}"`;
  }

  private shadow(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  private async createShadow(): Promise<void> {
    const [{ schema }] = await this.dataSource.query('SELECT current_schema() AS schema');
    this.liveSchema = schema;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`CREATE SCHEMA "${this.schema}"`);
      for (const table of this.projection.tables) {
        await manager.query(`CREATE TABLE ${this.shadow(table)} (LIKE ${this.live(table)} INCLUDING ALL)`);
      }
    });
  }

  /** Applies the events after the shadow's position up to `to` (inclusive), each page in its own transaction. */
  private async catchUp(to: number, within?: EntityManager): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    while (this.shadowPosition < to) {
      const page = await this.store.readAll({
        after: this.shadowPosition,
        to,
        maxCount: batchSize,
        streamPrefixes: PROJECTED_STREAM_PREFIXES,
      });
      if (page.length === 0) {
        this.shadowPosition = to;
        break;
      }
      const apply = async (manager: EntityManager) => {
        // Unqualified table names resolve to the shadow first: the projection's own SQL writes there.
        await manager.query(`SET LOCAL search_path TO "${this.schema}", "${this.liveSchema}"`);
        await this.projection.apply(page, manager);
        await manager.query(`SET LOCAL search_path TO "${this.liveSchema}"`);
      };
      if (within) await apply(within);
      else await this.dataSource.transaction(apply);
      this.events += page.length;
      this.shadowPosition = page.length < batchSize ? to : page[page.length - 1].position;
      // Positions count events only on a gapless store (postgres); on KurrentDB they are byte offsets.
      this.options.onProgress?.(this.events, this.store.gaplessPositions ? to + 1 : undefined);
    }
  }

  private async compare(manager: EntityManager): Promise<TableDifference[]> {
    const sample = this.options.sample ?? 10;
    const differences: TableDifference[] = [];
    for (const table of this.projection.tables) {
      const side = async (a: string, b: string) => {
        const [{ count }] = await manager.query(
          `SELECT count(*)::int AS count FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) d`,
        );
        const rows = await manager.query(
          `SELECT to_jsonb(d) AS row FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) d LIMIT ${sample}`,
        );
        return { count: Number(count), rows: rows.map((r: { row: Record<string, unknown> }) => r.row) };
      };
      const onlyLive = await side(this.live(table), this.shadow(table));
      const onlyRebuilt = await side(this.shadow(table), this.live(table));
      if (onlyLive.count + onlyRebuilt.count > 0) {
        differences.push({
          table,
          onlyLive: onlyLive.rows,
          onlyRebuilt: onlyRebuilt.rows,
          onlyLiveCount: onlyLive.count,
          onlyRebuiltCount: onlyRebuilt.count,
        });
      }
    }
    return differences;
  }
}
