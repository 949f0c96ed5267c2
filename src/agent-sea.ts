// Entry point of the single executable (scripts/build-sea.mjs): Node 20's single-executable
// applications run one CommonJS script, so no top-level await here. Only this file (and
// src/agent-bin.ts) exits.
import { runAgent } from './agent-main.js';

void runAgent(process.argv.slice(2)).then((code) => process.exit(code));
