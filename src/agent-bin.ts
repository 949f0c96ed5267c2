// Entry point of the one-file agent bundle (dist/monitor-agent.mjs; it runs only bundled): runs the
// agent and exits with its code. Only this file exits. A plain `collect` command line (cron's, every
// minute) takes the quick path, without commander; anything else runs the full agent program. Both
// are compiled from text when used (src/agent-code.ts).
import { homedir } from 'node:os';
import { fullAgent, quickPath } from './agent-code.js';

const argv = process.argv.slice(2);
const quick = quickPath(process.env, homedir());
const quickCode = await quick.runPlainCollect(argv);
// Only a run that went all the way (sent, not just printed) has compiled what later runs need.
if (quickCode === 0 && !argv.includes('--print')) await quick.keepCompiledCode();
process.exit(quickCode ?? (await fullAgent().runAgent(argv)));
