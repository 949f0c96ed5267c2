// The one-file agent's quick path parses a plain `collect` command line without commander
// (src/cli/collect-argv.ts), from the same flag tables commander declares (src/cli/collect-flags.ts).
// Wherever it accepts a command line, commander must read it the same way; whatever it declines, the
// full program runs as always. Checked on the lines cron and systemd run, and over generated ones.

import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { CommanderError } from '@commander-js/extra-typings';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAgentProgram } from '../../src/agent-main.js';
import { parseCollectArgv, type CollectArgv } from '../../src/cli/collect-argv.js';
import { COLLECT_OPTIONS, GLOBAL_OPTIONS } from '../../src/cli/collect-flags.js';

type Outcome = CollectArgv | 'usage error' | 'another command';

function allCommands(command: CommandUnknownOpts): CommandUnknownOpts[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/** What the full agent program makes of argv: the options `collect` would run with, or why not. */
async function commanderReads(argv: string[]): Promise<Outcome> {
  let outcome: Outcome = 'another command';
  const program = buildAgentProgram('1.0.0', (command, body) => {
    if (command.name() === 'collect') {
      outcome = { globals: command.parent!.opts(), options: command.opts() } as unknown as CollectArgv;
    }
    void body;
    return Promise.resolve();
  });
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 'another command' : 'usage error';
  }
  return outcome;
}

describe('the quick path of the one-file agent', () => {
  it('reads the lines cron and systemd run as commander does', async () => {
    const lines = [
      ['collect'],
      ['collect', '--config', '/etc/monitor/agent.yaml'],
      ['-c', '/etc/monitor/agent.yaml', 'collect'],
      ['--config=/etc/monitor/agent.yaml', 'collect', '--verbose'],
      ['collect', '--no-metrics', '--dataset', 'orders', '--partition', '2026-11-29', '--files', '12'],
      ['collect', '--dataset=orders', '--first-event', '2026-11-29T00:00:00Z', '--last-event', '2026-11-29T23:59:59Z'],
      ['-v', 'collect', '--print'],
      ['collect', '--dataset', 'a', '--dataset', 'b'],
      ['collect', '--dataset', ''],
    ];
    for (const argv of lines) {
      const quick = parseCollectArgv(argv);
      expect(quick, argv.join(' ')).not.toBeNull();
      expect(quick, argv.join(' ')).toEqual(await commanderReads(argv));
    }
  });

  it('leaves help, the version, other commands and mistakes to the full program', () => {
    for (const argv of [
      [],
      ['--help'],
      ['collect', '--help'],
      ['collect', '-h'],
      ['-V'],
      ['agent', 'install', '--server', 'http://x'],
      ['help', 'collect'],
      ['collect', '--bogus'],
      ['collect', 'extra'],
      ['collect', '--dataset'],
      ['--dataset', 'orders', 'collect'],
      ['collect', '--print=yes'],
      ['collect', '-vc', 'x.yaml'],
      ['collect', '--', '--print'],
    ]) {
      expect(parseCollectArgv(argv), argv.join(' ')).toBeNull();
    }
  });

  it('agrees with commander on every command line it accepts', async () => {
    const flagsOf = (table: Record<string, readonly [string, string]>): string[] =>
      Object.values(table).flatMap(([flags]) => flags.split(/,? /).filter((part) => part.startsWith('-')));
    const flag = fc.constantFrom(...flagsOf(COLLECT_OPTIONS), ...flagsOf(GLOBAL_OPTIONS));
    const value = fc.constantFrom('orders', '', 'a b', '-x', '--print', 'collect', '2026-11-29T00:00:00Z', '=');
    const oddity = fc.constantFrom(
      ...['agent', 'install', 'help', '--help', '-h', '-V', '--', '-', 'x', '--bogus', '-vc', '-cfile', '--print=1', '--metrics'],
      ...['--config=a.yaml', '--dataset=', '--dataset=a=b', '--no-metrics=0', '-c=a.yaml'],
    );
    const part = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(flag, value) },
      { weight: 3, arbitrary: flag.map((name) => [name]) },
      { weight: 1, arbitrary: oddity.map((name) => [name]) },
    );
    const line = fc
      .tuple(fc.array(part, { maxLength: 3 }), fc.boolean(), fc.array(part, { maxLength: 4 }))
      .map(([before, command, after]) => [...before.flat(), ...(command ? ['collect'] : []), ...after.flat()]);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(line, async (argv) => {
        const quick = parseCollectArgv(argv);
        if (quick === null) return;
        accepted++;
        expect(await commanderReads(argv)).toEqual(quick);
      }),
      { numRuns: 6000 },
    );
    // The generator reaches accepted lines often enough for the check to mean something.
    expect(accepted).toBeGreaterThan(200);
  });

  it('declares collect and the global options without value parsers or defaults, which the quick path would not apply', () => {
    const program = buildAgentProgram('1.0.0', () => Promise.resolve());
    const collect = program.commands.find((command) => command.name() === 'collect')!;
    const declared = [...program.options.filter((option) => option.long !== '--version'), ...collect.options];
    expect(declared.map((option) => option.flags).sort()).toEqual(
      [...Object.values(GLOBAL_OPTIONS), ...Object.values(COLLECT_OPTIONS)].map(([flags]) => flags).sort(),
    );
    for (const option of declared) {
      expect(option.parseArg, option.flags).toBeUndefined();
      expect(option.defaultValue, option.flags).toBeUndefined();
      expect(option.variadic, option.flags).toBe(false);
    }
  });
});
