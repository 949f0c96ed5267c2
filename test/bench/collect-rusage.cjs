// Preloaded by test/bench/collect.mjs into every process it measures (`node --require …`): at exit,
// writes this process's own CPU time (getrusage: user and system, in microseconds, node's start-up
// included) as JSON to the file named by MONITOR_BENCH_RUSAGE. A child's rusage is otherwise out of
// reach from node without spawnSync, which would block the benchmark's own HTTP server.
'use strict';

const { writeFileSync } = require('node:fs');

const target = process.env.MONITOR_BENCH_RUSAGE;
if (target) {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ code, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS }));
  });
}
