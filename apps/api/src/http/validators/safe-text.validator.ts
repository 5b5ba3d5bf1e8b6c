import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Characters free text must not carry: C0/C1 controls (NUL cannot even be stored in PostgreSQL jsonb), bidirectional
 * overrides and isolates (they make a name read differently from what is stored: "Trojan Source"), zero-width
 * characters and the BOM (invisible differences between two equal-looking names), and line/paragraph separators.
 */
/* eslint-disable no-control-regex -- refusing control characters is the point */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
/** As above, but tab and line breaks are allowed (a reason may have lines). */
const FORBIDDEN_MULTILINE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
/* eslint-enable no-control-regex */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isSafeText(value: unknown, multiline = false): boolean {
  return (
    typeof value === 'string' &&
    // Lone surrogates are not Unicode text, and PostgreSQL jsonb refuses them.
    !LONE_SURROGATE.test(value) &&
    !(multiline ? FORBIDDEN_MULTILINE : FORBIDDEN).test(value)
  );
}

/** Free text (names, reasons) without control, bidi-override, zero-width characters or lone surrogates. */
export function IsSafeText(options: ValidationOptions & { multiline?: boolean } = {}): PropertyDecorator {
  const { multiline = false, ...validationOptions } = options;
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSafeText',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate: (value: unknown) => isSafeText(value, multiline),
        defaultMessage: () =>
          `$property must be text without control characters, bidirectional overrides, zero-width characters or lone surrogates${multiline ? ' (line breaks and tabs are fine)' : ''}`,
      },
    });
}
