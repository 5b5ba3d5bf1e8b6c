import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

export const ID_REGEX = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MAX_COUNT = 10_000_000;

/** A JSON object whose keys are ids and whose values are non-negative integer counts. */
export function IsCountRecord(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCountRecord',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          if (Object.getPrototypeOf(value) !== Object.prototype) return false;
          const entries = Object.entries(value);
          return (
            entries.length > 0 &&
            entries.length <= 200 &&
            entries.every(
              ([key, count]) =>
                ID_REGEX.test(key) && Number.isSafeInteger(count) && count >= 0 && count <= MAX_COUNT,
            )
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be an object of candidate ids (lowercase letters, digits, dashes) to integer vote counts between 0 and ${MAX_COUNT}`;
        },
      },
    });
}
