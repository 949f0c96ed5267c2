// Node reports file-system failures as errors carrying an errno `code`; the agent branches on a few.

import { ConfigError } from '../errors.js';

export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errnoCode(error) === 'ENOENT';
}

/**
 * A state dir the agent may not write is a setup mistake (exit 2 naming agent.state_dir), not a
 * crash: typically `collect` run as a user who cannot write /var/lib/monitor. Other errors pass through.
 */
export function stateDirError(error: unknown, stateDir: string): unknown {
  const code = errnoCode(error);
  if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') return error;
  return new ConfigError([{ key: 'agent.state_dir', message: `cannot write to ${stateDir} (${code})`, file: null, line: null }], {
    hint: 'point agent.state_dir at a directory this user can write, or run collect as its owner',
    cause: error,
  });
}
