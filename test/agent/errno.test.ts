import { describe, expect, it } from 'vitest';
import { stateDirError } from '../../src/agent/errno.js';
import { ConfigError } from '../../src/errors.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code });
}

describe('state dir failures', () => {
  it.each(['EACCES', 'EPERM', 'EROFS'])('turn %s into a config error naming agent.state_dir', (code) => {
    const error = stateDirError(errno(code), '/var/lib/monitor');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { key: 'agent.state_dir', message: `cannot write to /var/lib/monitor (${code})`, file: null, line: null },
    ]);
  });

  it('leave other failures as they are', () => {
    const original = errno('ENOSPC');
    expect(stateDirError(original, '/var/lib/monitor')).toBe(original);
  });
});
