// Colour only on a terminal. NO_COLOR (any non-empty value) turns it off, FORCE_COLOR turns it on
// (FORCE_COLOR=0 off). Apart from colour.ts so deciding does not load chalk.

export function wantsColour(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
