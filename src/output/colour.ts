// Every colour goes through the chalk instance made here, never chalk's default export: chalk 5 does
// not look at NO_COLOR itself, so the decision (colour-choice.ts) is made once and passed in.

import { Chalk, type ChalkInstance } from 'chalk';

export function makeChalk(colour: boolean): ChalkInstance {
  return new Chalk({ level: colour ? 1 : 0 });
}
