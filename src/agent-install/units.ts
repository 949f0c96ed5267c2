// What `monitor agent install` writes: the agent's config file, a systemd service + timer pair, or a
// cron.d line. Plain text from plain inputs, so tests (and `--dry-run`) see exactly what is written.

export interface AgentSetup {
  serverUrl: string;
  hostName: string;
  /** Exactly one of the two. */
  hostKey: string | null;
  registrationToken: string | null;
  intervalMs: number;
  user: string;
  configFile: string;
  stateDir: string;
  /** The command that runs the agent, e.g. `/usr/bin/node /opt/monitor/monitor-agent.mjs`. */
  agentCommand: string;
}

export const UNIT_NAME = 'monitor-agent';

export function configYaml(setup: AgentSetup, writtenAt: Date): string {
  const credential =
    setup.hostKey !== null
      ? `  host_key: ${quote(setup.hostKey)}\n`
      : `  # The first run registers this host with the token and keeps its own key in state_dir/host-key.\n  registration_token: ${quote(setup.registrationToken ?? '')}\n`;
  return [
    `# Written by \`monitor agent install\` at ${writtenAt.toISOString()}. Readable by root and ${setup.user}'s group only.`,
    'server:',
    `  url: ${quote(setup.serverUrl)}`,
    'agent:',
    `  host_name: ${quote(setup.hostName)}`,
    credential.trimEnd(),
    `  state_dir: ${quote(setup.stateDir)}`,
    '',
  ].join('\n');
}

export function serviceUnit(setup: AgentSetup): string {
  return `# One run of the monitor agent; started by ${UNIT_NAME}.timer. Written by \`monitor agent install\`.
[Unit]
Description=monitor agent: report this host's metrics to ${setup.serverUrl}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User=${setup.user}
ExecStart=${setup.agentCommand} collect --config ${setup.configFile}
# The agent user has no home: the parsed config and the agent's compiled code are cached here instead.
Environment=XDG_CACHE_HOME=${cacheDir(setup)}
# Exit 1 means the server could not be reached: the report waits in the spool for the next run.
SuccessExitStatus=1
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${setup.stateDir}
PrivateTmp=yes
`;
}

export function timerUnit(setup: AgentSetup): string {
  return `# Runs ${UNIT_NAME}.service every ${seconds(setup.intervalMs)} s. Written by \`monitor agent install\`.
[Unit]
Description=monitor agent: report this host's metrics every ${seconds(setup.intervalMs)} s

[Timer]
OnBootSec=30s
OnUnitActiveSec=${seconds(setup.intervalMs)}s
AccuracySec=1s

[Install]
WantedBy=timers.target
`;
}

/** A /etc/cron.d line (with the user field); the interval must be whole minutes dividing an hour. */
export function cronFile(setup: AgentSetup): string {
  const minutes = setup.intervalMs / 60_000;
  const schedule = minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  return `# The monitor agent, every ${minutes} min. Written by \`monitor agent install\`. cron mails what it prints:
# nothing when all is well, one line when the server could not be reached (the report is spooled).
SHELL=/bin/sh
PATH=/usr/local/bin:/usr/bin:/bin
# ${setup.user} has no home: the parsed config and the agent's compiled code are cached here instead.
XDG_CACHE_HOME=${cacheDir(setup)}
${schedule} ${setup.user} ${setup.agentCommand} collect --config ${setup.configFile}
`;
}

export function cronProblem(intervalMs: number): string | null {
  const minutes = intervalMs / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1 || 60 % minutes !== 0) {
    return `cron runs whole minutes that divide an hour (1m, 2m, 5m, 10m, 15m, 30m, 60m); use --systemd for other intervals`;
  }
  return null;
}

/**
 * Where the agent caches its parsed config tree (config/tree-cache.ts) and the one-file agent its
 * compiled code (agent-code.ts): without them every run parses the YAML and compiles the agent anew.
 */
function cacheDir(setup: AgentSetup): string {
  return `${setup.stateDir}/cache`;
}

function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

/** YAML double-quoted: values come from flags and may hold ':' or '#'. */
function quote(value: string): string {
  return JSON.stringify(value);
}
