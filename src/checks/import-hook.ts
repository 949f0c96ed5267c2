// Plugins are ES modules, loaded with import(). The CLI's bundle runs as a script compiled by vm
// (src/cli-start.ts), where import() is refused (its build turns import() into require()), so the
// small ES module that starts it lends the bundle its own import() here. Without it (tsc's modules,
// tests), import() itself.

type Importer = (specifier: string) => Promise<unknown>;

const IMPORT_HOOK = Symbol.for('monitor.importModule');

/** Called by src/cli-start.ts before the bundle runs. */
export function lendImport(importer: Importer): void {
  (globalThis as Record<symbol, Importer | undefined>)[IMPORT_HOOK] = importer;
}

export function importModule(specifier: string): Promise<unknown> {
  const hook = (globalThis as Record<symbol, Importer | undefined>)[IMPORT_HOOK];
  return hook ? hook(specifier) : import(specifier);
}
