// Entry point of the one-file agent bundle (dist/monitor-agent.mjs), its bin/monitor: runs the agent
// and exits with its code. Only this file exits. A plain `collect` command line (cron's, every
// minute) takes the quick path, without commander; anything else runs the full agent program, which
// the bundle compiles only then (scripts/build-agent.mjs).
import { runPlainCollect } from './agent-collect.js';

const argv = process.argv.slice(2);
process.exit((await runPlainCollect(argv)) ?? (await (await import('./agent-main.js')).runAgent(argv)));
