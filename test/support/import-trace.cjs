// Preloaded with `node --require test/support/import-trace.cjs bin/monitor …`: when the process exits,
// writes the file names of every CommonJS module it loaded (the keys of require.cache, one per line)
// to the file named by MONITOR_IMPORT_TRACE. CommonJS packages imported from ES modules (commander,
// mysql2, better-sqlite3, systeminformation, nodemailer) land in require.cache too, so this shows
// which heavy dependencies a command really loaded. Without the variable it does nothing.
'use strict';

const { writeFileSync } = require('node:fs');

const target = process.env.MONITOR_IMPORT_TRACE;
if (target) {
  // 'exit' runs on process.exit() (bin/monitor's way out) and on a natural end alike.
  process.on('exit', () => {
    writeFileSync(target, `${Object.keys(require.cache).join('\n')}\n`);
  });
}
