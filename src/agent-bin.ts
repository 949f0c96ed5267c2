// Entry point of the one-file agent bundle (dist/monitor-agent.mjs), its bin/monitor: runs the agent
// program and exits with its code. Only this file exits.
import { runAgent } from './agent-main.js';

process.exit(await runAgent(process.argv.slice(2)));
