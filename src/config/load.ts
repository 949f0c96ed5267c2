// Loads the config: find the file, parse it keeping lines, expand ${VAR}, validate every section,
// apply the MONITOR_* environment overrides. Every problem is reported at once in one ConfigError.

import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';

import { ConfigError } from '../errors.js';
import type { ConfigIssue } from '../errors.js';
import type { Config } from './types.js';
import { defaultSettings } from './defaults.js';
import type { Settings } from './defaults.js';
import { isEmpty, Problems, readMap } from './fields.js';
import { CONFIG_KEYS } from './keys.js';
import { defaultDirs, locateConfig } from './locate.js';
import { expandTree } from './expand-tree.js';
import { parseRawTreeCached } from './tree-cache.js';
import type { Env, LocateOptions } from './locate.js';
import { LineIndex, type ParsedTree, type TreeNode } from './key-path.js';
import { readCheckTypes, readDefaultChecks, readHosts } from './validate-checks.js';
import {
  applyDatabasePassword,
  normaliseHttpUrl,
  readAgent,
  readAlerting,
  readDatabase,
  readPlugins,
  readServer,
} from './validate-core.js';
import type { PathBase } from './validate-core.js';
import { readNotify } from './validate-notify.js';
import { hostNameProblem } from '../hosts/host-name.js';
import { isParseError, parseDatabaseUrl } from '../database-target/parse-url.js';

const HINT = 'every key is shown, with comments, in examples/monitor.yaml';

export interface ParseOptions {
  env: Env;
  /** Relative paths resolve against the config file's directory, or this when there is no file. */
  cwd: string;
  homedir: string;
  /** This machine's name (default os.hostname()): agent.host_name when nothing else sets it. */
  hostname?: string;
}

export interface LoadOptions extends LocateOptions {
  hostname?: string;
}

function withLines(settings: Settings, file: string | null, lines: LineIndex): Config {
  return { ...settings, file, lineOf: (keyPath) => lines.get(keyPath) };
}

/** MONITOR_DATABASE_URL and friends win over the file: what people script most (DESIGN.md). */
function applyEnvironment(settings: Settings, env: Env, base: PathBase, filePassword: string | null): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const problem = (key: string, variable: string, message: string): void => {
    issues.push({ key, message: `${variable}: ${message}`, file: null, line: null });
  };
  // An empty variable counts as unset, as `MONITOR_SERVER_URL= monitor collect` usually intends.
  if (env.MONITOR_DATABASE_URL) {
    const target = parseDatabaseUrl(env.MONITOR_DATABASE_URL, base);
    if (isParseError(target)) problem('database.url', 'MONITOR_DATABASE_URL', target.error);
    else settings.database.target = target;
  }
  // The password given apart from the URL applies to whichever URL won, so a systemd unit can set
  // MONITOR_DATABASE_URL without a password and keep the password in a root-only file.
  const password = env.MONITOR_DATABASE_PASSWORD ? env.MONITOR_DATABASE_PASSWORD : filePassword;
  // MONITOR_DATABASE_PASSWORD is ignored for SQLite: it may be set machine-wide for other tools.
  if (password !== null && !(password === env.MONITOR_DATABASE_PASSWORD && settings.database.target.kind !== 'mysql')) {
    const target = applyDatabasePassword(settings.database.target, password);
    if (isParseError(target)) {
      issues.push({ key: 'database.password', message: `${target.error}, but database.url names SQLite`, file: null, line: null });
    } else settings.database.target = target;
  }
  if (env.MONITOR_SERVER_URL) {
    const url = normaliseHttpUrl(env.MONITOR_SERVER_URL);
    if (typeof url === 'string') settings.server.url = url;
    else problem('server.url', 'MONITOR_SERVER_URL', url.error);
  }
  if (env.MONITOR_HOST_NAME) {
    const bad = hostNameProblem(env.MONITOR_HOST_NAME);
    if (bad) problem('agent.host_name', 'MONITOR_HOST_NAME', bad);
    else settings.agent.hostName = env.MONITOR_HOST_NAME;
  }
  if (env.MONITOR_HOST_KEY) settings.agent.hostKey = env.MONITOR_HOST_KEY;
  if (env.MONITOR_REGISTRATION_TOKEN) settings.agent.registrationToken = env.MONITOR_REGISTRATION_TOKEN;
  return issues;
}

/**
 * The config from an already parsed tree (`file` only names it in messages and anchors relative
 * paths). YAML text goes through parse.ts's parseConfig, or the tree cache (tree-cache.ts).
 */
export function configFromTree(tree: ParsedTree, file: string | null, options: ParseOptions): Config {
  const { config, issues } = readConfigTree(tree, file, options);
  if (issues.length > 0) throw new ConfigError(issues, { hint: HINT });
  return config;
}

/** The config as far as it reads, and every structural problem found, in file order. */
function readConfigTree(tree: ParsedTree, file: string | null, options: ParseOptions): { config: Config; issues: ConfigIssue[] } {
  const settings = defaultSettings({ env: options.env, homedir: options.homedir, hostname: options.hostname ?? osHostname() });
  const base: PathBase = { baseDir: file ? path.dirname(file) : options.cwd, homedir: options.homedir };
  if (tree.issues.length > 0 && tree.root === null) throw new ConfigError(tree.issues, { hint: HINT });

  const p = new Problems(file, tree.lines);
  const root = tree.root ?? undefined;
  if (!isEmpty(root) && root.kind !== 'map' && !(root.kind === 'scalar' && root.invalid)) {
    p.add(
      [],
      `expected a map of sections (${CONFIG_KEYS.top.join(', ')}), got ${root.kind === 'seq' ? 'a list' : 'a single value'}`,
      root.line,
    );
  }
  const sections = root?.kind === 'map' ? readMap(p, [], root, CONFIG_KEYS.top) : new Map<string, TreeNode>();
  const database = readDatabase(p, sections.get('database'), settings.database, base);
  settings.database = database.database;
  settings.server = readServer(p, sections.get('server'), settings.server, base);
  settings.agent = readAgent(p, sections.get('agent'), settings.agent, base);
  settings.alerting = readAlerting(p, sections.get('alerting'), settings.alerting);
  settings.checkTypes = readCheckTypes(p, sections.get('check_types'));
  settings.defaultChecks = readDefaultChecks(p, sections.get('default_checks'), sections.has('default_checks'));
  settings.hosts = readHosts(p, sections.get('hosts'));
  settings.notify = readNotify(p, sections.get('notify'));
  settings.plugins = readPlugins(p, sections.get('plugins'), base);

  const envIssues = applyEnvironment(settings, options.env, { baseDir: options.cwd, homedir: options.homedir }, database.password);
  // In file order; on a shared line an expansion problem stays first, as it explains the rest.
  const issues = sortedByLine([...tree.issues, ...p.issues]);
  issues.push(...envIssues);
  return { config: withLines(settings, file, tree.lines), issues };
}

function sortedByLine(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** Built-in defaults plus the environment overrides: what runs when there is no config file. */
export function defaultConfig(options: ParseOptions): Config {
  return configFromTree({ root: null, lines: new LineIndex(), issues: [] }, null, options);
}

async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'it no longer exists' : String(code ?? error);
    throw new ConfigError([{ key: '', message: `cannot read config file ${file}: ${reason}`, file, line: null }], { cause: error });
  }
}

/** Finds (see locate.ts), reads and validates the config; ConfigError (exit 2) lists every problem. */
export async function loadConfig(options: LoadOptions): Promise<Config> {
  const located = await locateConfig(options);
  const parseOptions: ParseOptions = { env: options.env, cwd: options.cwd, homedir: options.homedir };
  if (options.hostname !== undefined) parseOptions.hostname = options.hostname;
  if (!located) return defaultConfig(parseOptions);
  // The YAML parser loads only when there is a file whose parsed tree is not cached yet.
  const text = await readConfigFile(located.file);
  const raw = await parseRawTreeCached(text, located.file, defaultDirs(options.env, options.homedir).cacheDir);
  const { config, issues } = readConfigTree(expandTree(raw, options.env, located.file), located.file, parseOptions);
  if (issues.length === 0) return config;
  // The check params the file gets wrong, too, so one run lists everything (without a database; a
  // config that reads cleanly has its params judged by the sync, against the stored catalogue).
  const { offlineCheckIssues } = await import('../host-checks/offline-issues.js');
  const covered = (key: string): boolean =>
    issues.some((issue) => issue.key === key || issue.key.startsWith(`${key}.`) || key.startsWith(`${issue.key}.`));
  const checkIssues = offlineCheckIssues(config).filter((issue) => !covered(issue.key));
  throw new ConfigError(checkIssues.length === 0 ? issues : sortedByLine([...issues, ...checkIssues]), { hint: HINT });
}
