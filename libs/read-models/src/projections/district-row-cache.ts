import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';

/**
 * The district × contest rows one ResultsProjection last wrote or read, kept between its batches (at most `limit`:
 * the row stored longest ago goes first; a batch stores every row it uses). A kept row is only a guess: a batch asks PostgreSQL for each row's last
 * position and uses the kept candidate votes only when it is the same (ResultsBatch.load). The row's content is a
 * function of the events up to its last position, so the same position is the same row, whoever wrote it; a batch
 * that rolled back leaves kept rows with a position PostgreSQL does not have, and they are read again.
 */
export class DistrictRowCache {
  private readonly rows = new Map<string, RmDistrictResultEntity>();

  constructor(readonly limit = 20_000) {}

  get size(): number {
    return this.rows.size;
  }

  get(key: string): RmDistrictResultEntity | undefined {
    return this.rows.get(key);
  }

  set(key: string, row: RmDistrictResultEntity): void {
    this.rows.delete(key);
    this.rows.set(key, row);
    if (this.rows.size > this.limit) this.rows.delete(this.rows.keys().next().value!);
  }

  delete(key: string): void {
    this.rows.delete(key);
  }
}
