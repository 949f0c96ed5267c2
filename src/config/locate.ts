// Where the config file is, and where data and state live when the config does not say.
// The environment and home directory come in as parameters so tests (and `monitor demo`) can point
// everything at temporary directories without touching the real process environment.

import { stat } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LocateOptions {
  /** `--config PATH`, as typed (relative to cwd). */
  explicitPath?: string | undefined;
  env: Env;
  cwd: string;
  homedir: string;
  /** Defaults to /etc/monitor/monitor.yaml; tests point it elsewhere. */
  systemFile?: string;
}

/** How the file was found; callers mention it in `--verbose` output. */
export type ConfigSource = 'flag' | 'env' | 'cwd' | 'user' | 'system';

export interface LocatedConfig {
  file: string;
  source: ConfigSource;
}

const SYSTEM_CONFIG_FILE = '/etc/monitor/monitor.yaml';

export interface DefaultDirs {
  /** `$XDG_CONFIG_HOME/monitor` (default ~/.config/monitor). */
  configDir: string;
  /** `$XDG_DATA_HOME/monitor` (default ~/.local/share/monitor). */
  dataDir: string;
  /** `$XDG_STATE_HOME/monitor` (default ~/.local/state/monitor): saved CPU counters, the spool. */
  stateDir: string;
  /** `<dataDir>/monitor.db`: the embedded SQLite database. */
  databaseFile: string;
  /** Parsed config trees (tree-cache.ts). */
  cacheDir: string;
}

/**
 * The XDG base directory for `name`. The spec says relative values must be ignored, which also
 * protects cron jobs (whose cwd is arbitrary) from a stray `XDG_DATA_HOME=data`.
 */
function xdgDir(env: Env, name: string, homedir: string, fallback: string): string {
  const value = env[name];
  return value && path.isAbsolute(value) ? value : path.join(homedir, fallback);
}

export function defaultDirs(env: Env, homedir: string): DefaultDirs {
  const dataDir = path.join(xdgDir(env, 'XDG_DATA_HOME', homedir, '.local/share'), 'monitor');
  return {
    configDir: path.join(xdgDir(env, 'XDG_CONFIG_HOME', homedir, '.config'), 'monitor'),
    dataDir,
    stateDir: path.join(xdgDir(env, 'XDG_STATE_HOME', homedir, '.local/state'), 'monitor'),
    databaseFile: path.join(dataDir, 'monitor.db'),
    cacheDir: path.join(xdgDir(env, 'XDG_CACHE_HOME', homedir, '.cache'), 'monitor'),
  };
}

/** The per-user config file, whether or not it exists: where a new config is created. */
export function defaultConfigFile(options: { env: Env; homedir: string }): string {
  return path.join(defaultDirs(options.env, options.homedir).configDir, 'monitor.yaml');
}

async function kindOf(file: string): Promise<'file' | 'dir' | null> {
  try {
    const info = await stat(file);
    return info.isDirectory() ? 'dir' : 'file';
  } catch {
    // Missing, or unreadable on the way there: either way there is no config file to use here.
    return null;
  }
}

function explicitChoice(options: LocateOptions): LocatedConfig | null {
  if (options.explicitPath !== undefined && options.explicitPath !== '') {
    return { file: path.resolve(options.cwd, options.explicitPath), source: 'flag' };
  }
  const fromEnv = options.env.MONITOR_CONFIG;
  if (fromEnv) return { file: path.resolve(options.cwd, fromEnv), source: 'env' };
  return null;
}

/**
 * Finds the config file: `--config`, else MONITOR_CONFIG, else ./monitor.yaml, else the per-user
 * file, else /etc/monitor/monitor.yaml. Null means none: built-in defaults apply. A path the user
 * named explicitly must exist; silently falling back to defaults would hide a typo.
 */
export async function locateConfig(options: LocateOptions): Promise<LocatedConfig | null> {
  const explicit = explicitChoice(options);
  if (explicit) {
    const kind = await kindOf(explicit.file);
    if (kind === 'file') return explicit;
    const named = explicit.source === 'flag' ? '--config' : 'MONITOR_CONFIG';
    const message = kind === 'dir' ? `config path is a directory, not a file: ${explicit.file}` : `config file not found: ${explicit.file}`;
    throw new ConfigError([{ key: '', message, file: null, line: null }], {
      hint: `check the path given by ${named}`,
    });
  }
  const candidates: LocatedConfig[] = [
    { file: path.resolve(options.cwd, 'monitor.yaml'), source: 'cwd' },
    { file: defaultConfigFile(options), source: 'user' },
    { file: options.systemFile ?? SYSTEM_CONFIG_FILE, source: 'system' },
  ];
  for (const candidate of candidates) {
    if ((await kindOf(candidate.file)) === 'file') return candidate;
  }
  return null;
}
