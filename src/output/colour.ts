// Colour only on a terminal. NO_COLOR (any non-empty value) turns it off, FORCE_COLOR turns it on
// (FORCE_COLOR=0 off). chalk 5 does not look at NO_COLOR itself, so every colour goes through the
// instance made here, never through chalk's default export.

import { Chalk, type ChalkInstance } from 'chalk';

export function wantsColour(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function makeChalk(colour: boolean): ChalkInstance {
  return new Chalk({ level: colour ? 1 : 0 });
}
