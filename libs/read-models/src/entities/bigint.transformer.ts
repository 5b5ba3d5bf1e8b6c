import { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string (it may exceed 2^53); event positions stay far below that, so numbers are safe. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
