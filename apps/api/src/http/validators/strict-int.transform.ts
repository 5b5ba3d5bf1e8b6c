import { Transform } from 'class-transformer';

/**
 * A query-string integer: only an optional minus and digits become a number. Anything else ("0x10", "1e1", "",
 * " ") stays a string, so @IsInt rejects it instead of Number() reading it loosely.
 */
export function StrictInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value,
  );
}
