import { ValueTransformer } from 'typeorm';

/**
 * pg returns bigint as a string (it may exceed 2^53). Event positions and summed counts stay far below that (the
 * api caps a count at 10,000,000 per sheet and an election at 20,000 polling areas, so totals stay under 2^38;
 * the results projection skips a fact that would push a total past 2^53), so numbers are exact.
 */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
