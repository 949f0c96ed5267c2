// Colour only on a terminal; NO_COLOR turns it off there; FORCE_COLOR turns it on anywhere.
// In-process (pretend terminals) and as a real child process writing to real pipes.

import { beforeEach, describe, expect, it } from 'vitest';
import { ANSI_ESCAPE, runCli, spawnCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const home = useTempDir('monitor-cli-colour-');

// `checks types` prints a table with bold headers and needs only the embedded database.
const ARGV = ['checks', 'types'];

describe('colour in output', () => {
  beforeEach(async () => {
    // Create the embedded database first, so every run below prints the same table.
    expect((await runCli(['db', 'migrate'], { home: home.path })).code).toBe(0);
  });

  it('a terminal gets ANSI colour', async () => {
    const result = await runCli(ARGV, { home: home.path, tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(ANSI_ESCAPE);
    expect(result.stdout).toContain('\u001b[1mKEY\u001b[22m');
  });

  it('a terminal with NO_COLOR=1 gets none', async () => {
    const result = await runCli(ARGV, { home: home.path, tty: true, env: { NO_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ANSI_ESCAPE);
    expect(result.stdout).toMatch(/^KEY\s+NAME/);
  });

  it('output that is not a terminal gets none, unless FORCE_COLOR=1', async () => {
    const piped = await runCli(ARGV, { home: home.path, tty: false });
    expect(piped.stdout).not.toMatch(ANSI_ESCAPE);
    const forced = await runCli(ARGV, { home: home.path, tty: false, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI_ESCAPE);
  });

  it('colour is about stdout only: the text is the same once the codes are stripped', async () => {
    const plain = await runCli(ARGV, { home: home.path });
    const coloured = await runCli(ARGV, { home: home.path, tty: true });
    // eslint-disable-next-line no-control-regex
    expect(coloured.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain.stdout);
  });

  it('a real process writing to a pipe has no colour; FORCE_COLOR=1 gives it colour', async () => {
    const piped = await spawnCli(ARGV, { home: home.path });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/^KEY\s+NAME/);
    expect(piped.stdout).not.toMatch(ANSI_ESCAPE);

    const forced = await spawnCli(ARGV, { home: home.path, env: { FORCE_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(ANSI_ESCAPE);
  });
});
