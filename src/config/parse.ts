// YAML text -> Config. Kept apart from load.ts so the YAML parser is imported only when there is
// text to parse: a run on built-in defaults never loads it.

import type { Config } from './types.js';
import { configFromTree, type ParseOptions } from './load.js';
import { expandTree } from './expand-tree.js';
import { parseRawTree } from './tree.js';

export function parseConfig(text: string, file: string | null, options: ParseOptions): Config {
  return configFromTree(expandTree(parseRawTree(text, file), options.env, file), file, options);
}
