// What the one-file agent compiles only when it needs it (scripts/build-agent.mjs bundles this apart
// and keeps it in the file as text): the full agent program — commander, for help, usage mistakes and
// `agent install` — and the YAML parser, for a config file whose parsed tree is not cached yet.
export { runAgent } from './agent-main.js';
export { parseRawTree } from './config/tree.js';
