// The one-file agent's quick path: a plain `collect …` command line — what cron and the systemd timer
// run every minute — parsed without commander (compiling and setting it up is a third of a run's CPU
// in the agent), from the same declarations (collect-flags.ts), into the options commander would
// give. Anything else — help, version, another command, a mistake, a form this parser does not take
// (`-vc`, `--`, a value starting with '-') — is null, and the caller runs the full program, which
// handles it as always. test/cli/collect-argv.test.ts checks that both agree.

import type { CollectOptions } from '../commands/collect.js';
import { COLLECT_OPTIONS, GLOBAL_OPTIONS } from './collect-flags.js';
import type { GlobalOptions } from './context.js';

export interface CollectArgv {
  /** Commander's program options (optsWithGlobals() of `collect` holds them too). */
  globals: GlobalOptions;
  /** Commander's opts() of `collect`. */
  options: CollectOptions;
}

interface Flag {
  key: string;
  takesValue: boolean;
  /** --no-x: sets x to false; x is true when not given. */
  negated: boolean;
  global: boolean;
}

function readFlags(table: Record<string, readonly [string, string]>, global: boolean, into: Map<string, Flag>): void {
  for (const [key, [flags]] of Object.entries(table)) {
    const parts = /^(?:(-[a-zA-Z]), )?(--[a-z][a-z-]*)( <[a-z-]+>)?$/.exec(flags);
    if (!parts) throw new Error(`collect-argv: cannot read the flags '${flags}'`);
    const flag: Flag = { key, takesValue: parts[3] !== undefined, negated: parts[2]!.startsWith('--no-'), global };
    into.set(parts[2]!, flag);
    if (parts[1]) into.set(parts[1], flag);
  }
}

let known: Map<string, Flag> | undefined;
function flagNamed(name: string): Flag | undefined {
  if (!known) {
    known = new Map();
    readFlags(GLOBAL_OPTIONS, true, known);
    readFlags(COLLECT_OPTIONS, false, known);
  }
  return known.get(name);
}

/** The parsed `collect` command line, or null: run the full program instead. */
export function parseCollectArgv(argv: readonly string[]): CollectArgv | null {
  const globals: Record<string, string | boolean> = {};
  const options: Record<string, string | boolean> = {};
  for (const [key, [flags]] of Object.entries(COLLECT_OPTIONS)) if (flags.startsWith('--no-')) options[key] = true;
  let command = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === 'collect' && !command) {
      command = true;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = flagNamed(equals > 0 ? arg.slice(0, equals) : arg);
    // Collect's own options before `collect` are commander's usage error; positionals are too.
    if (!flag || (!flag.global && !command)) return null;
    let value: string | boolean;
    if (!flag.takesValue) {
      if (equals > 0) return null;
      value = !flag.negated;
    } else if (equals > 0) {
      value = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) return null;
      value = next;
      i++;
    }
    (flag.global ? globals : options)[flag.key] = value;
  }
  // As commander's opts(): a key only for what was given or has a default (declared() types the rest).
  return command ? ({ globals, options } as unknown as CollectArgv) : null;
}
