import { execFile } from 'node:child_process';
import { chown, chmod, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Context } from '../../context.js';
import { ConflictError, UnavailableError, UsageError } from '../../errors.js';
import { normaliseHttpUrl } from '../../config/validate-core.js';
import { hostNameProblem } from '../../hosts/host-name.js';
import { writeFileAtomic } from '../../fs/atomic-file.js';
import { configYaml, cronFile, cronProblem, serviceUnit, timerUnit, UNIT_NAME, type AgentSetup } from '../../agent-install/units.js';

export interface AgentInstallOptions {
  server: string;
  name: string;
  key?: string;
  token?: string;
  /** Milliseconds (the --interval duration). */
  interval?: number;
  systemd?: boolean;
  cron?: boolean;
  dryRun?: boolean;
  user?: string;
  /** Install into this directory instead of / (an image being built; tests). */
  root?: string;
  force?: boolean;
}

interface Step {
  /** One line for the summary and --dry-run. */
  what: string;
  apply(): Promise<void>;
}

const run = promisify(execFile);

export const CONFIG_FILE = '/etc/monitor/agent.yaml';
export const STATE_DIR = '/var/lib/monitor/agent';

/**
 * `monitor agent install`: this host's agent in one line — its config (0640, group of the agent
 * user), its state dir (0700, owned by the agent user), a dedicated system user, and a systemd
 * timer or a cron.d line that runs `collect` as that user (written with --systemd/--cron, else printed).
 */
export async function agentInstall(ctx: Context, options: AgentInstallOptions): Promise<{ steps: string[] }> {
  const setupInput = checkOptions(options);
  const root = options.root ?? '/';
  const at = (path: string): string => join(root, path);
  const userName = options.user ?? 'monitor';
  const entry = process.argv[1] ? await realpath(process.argv[1]) : 'monitor';
  const setup: AgentSetup = {
    ...setupInput,
    user: userName,
    configFile: CONFIG_FILE,
    stateDir: STATE_DIR,
    agentCommand: `${process.execPath} ${entry}`,
  };

  if (!options.dryRun && root === '/' && process.getuid?.() !== 0) {
    throw new UsageError('agent install writes to /etc and /var/lib and creates a system user: run it as root (sudo)', {
      hint: 'see what it would do with --dry-run',
    });
  }
  if (!options.force && (await exists(at(CONFIG_FILE)))) {
    throw new ConflictError(`${at(CONFIG_FILE)} already exists`, {
      hint: 'add --force to replace it (the state dir and its spool are kept)',
    });
  }

  let account = await lookupUser(userName);
  const steps: Step[] = [];
  if (!account) {
    if (root !== '/') throw new UsageError(`--root: user '${userName}' must exist on this system (choose one with --user)`);
    steps.push({
      what: `create system user '${userName}' (no login, no home)`,
      apply: async () => {
        await run('useradd', [
          '--system',
          '--user-group',
          '--no-create-home',
          '--home-dir',
          '/nonexistent',
          '--shell',
          '/usr/sbin/nologin',
          userName,
        ]);
        account = await lookupUser(userName);
      },
    });
  }
  const owner = () => account ?? { uid: 0, gid: 0 };
  steps.push({
    what: `create ${at(STATE_DIR)} (0700, owner ${userName})`,
    apply: async () => {
      // Parents 0755: the agent user must be able to walk down to its own 0700 directory.
      await mkdir(dirname(at(STATE_DIR)), { recursive: true, mode: 0o755 });
      await mkdir(at(STATE_DIR), { recursive: true, mode: 0o700 });
      await chmod(at(STATE_DIR), 0o700);
      await chown(at(STATE_DIR), owner().uid, owner().gid);
    },
  });
  const now = ctx.clock.now();
  const files: { path: string; mode: number; group: boolean; text: string }[] = [
    { path: CONFIG_FILE, mode: 0o640, group: true, text: configYaml(setup, now) },
  ];
  if (options.systemd) {
    files.push({ path: `/etc/systemd/system/${UNIT_NAME}.service`, mode: 0o644, group: false, text: serviceUnit(setup) });
    files.push({ path: `/etc/systemd/system/${UNIT_NAME}.timer`, mode: 0o644, group: false, text: timerUnit(setup) });
  }
  if (options.cron) files.push({ path: `/etc/cron.d/${UNIT_NAME}`, mode: 0o644, group: false, text: cronFile(setup) });
  for (const file of files) {
    steps.push({
      what: `write ${at(file.path)} (${file.mode.toString(8).padStart(4, '0')}${file.group ? `, group of ${userName}` : ''})`,
      apply: async () => {
        await mkdir(dirname(at(file.path)), { recursive: true, mode: 0o755 });
        await writeFileAtomic(at(file.path), file.text, {
          mode: file.mode,
          ...(file.group ? { owner: { uid: 0, gid: owner().gid } } : {}),
        });
      },
    });
  }
  const startTimer = options.systemd && root === '/' && (await onPath('systemctl'));
  if (startTimer) {
    steps.push({
      what: `systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}.timer`,
      apply: async () => {
        await run('systemctl', ['daemon-reload']);
        await run('systemctl', ['enable', '--now', `${UNIT_NAME}.timer`]);
      },
    });
  }

  if (options.dryRun) {
    ctx.out.write(`Would (--dry-run, nothing changed):\n${steps.map((step) => `  ${step.what}`).join('\n')}\n`);
    for (const file of files) ctx.out.write(`\n--- ${at(file.path)}\n${file.text}`);
  } else {
    for (const step of steps) {
      try {
        await step.apply();
      } catch (error) {
        throw new UnavailableError(`agent install: could not ${step.what}: ${(error as Error).message.split('\n')[0]}`, {
          hint: `steps before it are done: ${
            steps
              .slice(0, steps.indexOf(step))
              .map((s) => s.what)
              .join('; ') || 'none'
          }`,
          cause: error,
        });
      }
    }
    ctx.out.write(`Installed the monitor agent for '${setup.hostName}':\n${steps.map((step) => `  ${step.what}`).join('\n')}\n`);
  }
  if (!options.systemd && !options.cron) {
    ctx.out.write(
      `\nRun it every ${Math.round(setup.intervalMs / 1000)} s with systemd (or add --systemd to have these written):\n` +
        `--- /etc/systemd/system/${UNIT_NAME}.service\n${serviceUnit(setup)}--- /etc/systemd/system/${UNIT_NAME}.timer\n${timerUnit(setup)}` +
        (cronProblem(setup.intervalMs) === null
          ? `\nor with cron (--cron writes /etc/cron.d/${UNIT_NAME}):\n${cronFile(setup).split('\n').at(-2)}\n`
          : ''),
    );
  } else if (options.systemd && !startTimer && !options.dryRun) {
    ctx.out.write(`Start it: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}.timer\n`);
  }
  return { steps: steps.map((step) => step.what) };
}

function checkOptions(options: AgentInstallOptions): Omit<AgentSetup, 'user' | 'configFile' | 'stateDir' | 'agentCommand'> {
  const url = normaliseHttpUrl(options.server);
  if (typeof url !== 'string') throw new UsageError(`--server: ${url.error}`);
  const badName = hostNameProblem(options.name);
  if (badName) throw new UsageError(`--name: ${badName}`);
  if ((options.key === undefined) === (options.token === undefined)) {
    throw new UsageError('give exactly one of --key KEY (from `monitor hosts add NAME`) or --token TOKEN (from `monitor tokens add NAME`)');
  }
  if (options.systemd && options.cron) throw new UsageError('choose one of --systemd and --cron');
  const intervalMs = options.interval ?? 60_000;
  if (intervalMs < 10_000) throw new UsageError('--interval: at least 10s (each run costs ~100 ms of CPU)');
  if (options.cron) {
    const problem = cronProblem(intervalMs);
    if (problem) throw new UsageError(`--interval with --cron: ${problem}`);
  }
  return { serverUrl: url, hostName: options.name, hostKey: options.key ?? null, registrationToken: options.token ?? null, intervalMs };
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | null> {
  try {
    const { stdout } = await run('getent', ['passwd', name]);
    const [, , uid, gid] = stdout.trim().split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function onPath(program: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${program}`]).then(
    () => true,
    () => false,
  );
}
