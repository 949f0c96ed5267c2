// Preloaded with `node --require test/support/import-trace.cjs bin/monitor …`: when the process exits,
// writes the file names of every module of a package it loaded to the file named by
// MONITOR_IMPORT_TRACE, one per line. Without the variable it does nothing. Two kinds:
// - CommonJS files Node loaded (the keys of require.cache): better-sqlite3, which the CLI bundle
//   leaves in node_modules, and any package a command loads from there.
// - The packages inside the CLI bundle (dist/bundle/monitor.cjs, scripts/build-cli.mjs). esbuild
//   wraps each of their modules in a function that runs the module on its first require; the wrapper
//   finds that module by the one property name of an object, `{ "node_modules/mysql2/lib/…js"() {…} }`,
//   through Object.getOwnPropertyNames. Watching that call shows which modules ran: a package
//   bundled but never run is not loaded.
'use strict';

const { writeFileSync } = require('node:fs');

const target = process.env.MONITOR_IMPORT_TRACE;
if (target) {
  const bundled = new Set();
  const ownNames = Object.getOwnPropertyNames;
  Object.getOwnPropertyNames = function getOwnPropertyNames(object) {
    const names = ownNames(object);
    if (names.length === 1 && names[0].startsWith('node_modules/') && typeof object[names[0]] === 'function') bundled.add(`/${names[0]}`);
    return names;
  };
  // 'exit' runs on process.exit() (bin/monitor's way out) and on a natural end alike.
  process.on('exit', () => {
    writeFileSync(target, `${[...Object.keys(require.cache), ...bundled].join('\n')}\n`);
  });
}
