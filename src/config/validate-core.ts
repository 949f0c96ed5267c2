// The `database`, `server`, `agent`, `alerting` and `plugins` sections.

import path from 'node:path';

import type { AgentConfig, AlertingConfig, DatabaseConfig, ServerConfig } from './types.js';
import {
  describe,
  isEmpty,
  readDuration,
  readMap,
  readNumber,
  readOneOrMany,
  readSize,
  readString,
} from './fields.js';
import type { Problems } from './fields.js';
import { parseListen } from './listen.js';
import type { KeyPath, TreeNode } from './key-path.js';
import { CONFIG_KEYS } from './keys.js';
import { hostNameProblem } from '../hosts/host-name.js';
import { mysqlParameterProblem, redact } from '../store/database-url.js';

/** Relative paths in a config file mean "next to the file", so cron's cwd does not matter. */
export interface PathBase {
  baseDir: string;
  homedir: string;
}

function resolveUserPath(text: string, base: PathBase): string {
  if (text === '~') return base.homedir;
  if (text.startsWith('~/')) return path.join(base.homedir, text.slice(2));
  return path.resolve(base.baseDir, text);
}

/** `url` with one query parameter set to `value`, the rest of the text (user, password) untouched. */
function withParameter(url: string, name: string, value: string): string {
  const at = url.indexOf('?');
  const params = new URLSearchParams(url.slice(at + 1));
  params.set(name, value);
  return `${url.slice(0, at)}?${params.toString()}`;
}

/**
 * `mysql://user:pass@host:3306/db` as given (mariadb:// is the same driver), or `sqlite:` plus an
 * absolute path; a plain file path means SQLite. Returns an explanation when it is neither.
 */
export function normaliseDatabaseUrl(text: string, base: PathBase): string | { error: string } {
  const trimmed = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return { error: `'${redact(text)}' is not a valid URL (mysql://user:password@host:3306/database)` };
    }
    if (!url.hostname) return { error: `'${redact(text)}' names no host (mysql://user:password@host:3306/database)` };
    if (url.pathname.replace(/^\//, '') === '') return { error: `'${redact(text)}' names no database (…:3306/monitor)` };
    const problem = mysqlParameterProblem(url.searchParams);
    if (problem !== null) return { error: problem };
    // A relative CA path is relative to the config file, like a SQLite path.
    const ca = url.searchParams.get('ssl-ca');
    const normalised = ca === null ? trimmed : withParameter(trimmed, 'ssl-ca', resolveUserPath(ca, base));
    return scheme === 'mariadb' ? `mysql:${normalised.slice(scheme.length + 1)}` : normalised;
  }
  if (scheme === 'sqlite') {
    const file = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') return { error: `'${text}' names no file (sqlite:/var/lib/monitor/monitor.db)` };
    return file === ':memory:' ? 'sqlite::memory:' : `sqlite:${resolveUserPath(file, base)}`;
  }
  if (scheme !== undefined && scheme.length > 1) {
    return { error: `unsupported database '${scheme}:' (use mysql://user:password@host:3306/database or sqlite:PATH)` };
  }
  if (trimmed === '') return { error: 'database URL is empty' };
  return `sqlite:${resolveUserPath(trimmed, base)}`;
}

/** An http(s) URL without its trailing slash, so callers can append `/api/v1/reports`. */
export function normaliseHttpUrl(text: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { error: `expected an http(s) URL like http://monitor.example.com:8080, got '${text}'` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `expected an http:// or https:// URL, got '${text}'` };
  }
  return text.trim().replace(/\/+$/, '');
}

export function readHttpUrl(p: Problems, keyPath: KeyPath, node: TreeNode | undefined): string | null {
  const text = readString(p, keyPath, node);
  if (text === null) return null;
  const url = normaliseHttpUrl(text);
  if (typeof url === 'string') return url;
  p.add(keyPath, url.error);
  return null;
}

export function readDatabase(p: Problems, node: TreeNode | undefined, fallback: DatabaseConfig, base: PathBase): DatabaseConfig {
  const at = ['database'];
  const s = readMap(p, at, node, CONFIG_KEYS.database);
  let url = fallback.url;
  const text = readString(p, [...at, 'url'], s.get('url'));
  if (text !== null) {
    const normalised = normaliseDatabaseUrl(text, base);
    if (typeof normalised === 'string') url = normalised;
    else p.add([...at, 'url'], normalised.error);
  }
  return {
    url,
    poolSize: readNumber(p, [...at, 'pool_size'], s.get('pool_size'), fallback.poolSize, { integer: true, min: 1 }),
    connectTimeoutMs: readDuration(p, [...at, 'connect_timeout'], s.get('connect_timeout'), fallback.connectTimeoutMs, { positive: true }),
  };
}

export function readServer(p: Problems, node: TreeNode | undefined, fallback: ServerConfig): ServerConfig {
  const at = ['server'];
  const s = readMap(p, at, node, CONFIG_KEYS.server);
  let listen = fallback.listen;
  const listenNode = s.get('listen');
  if (!isEmpty(listenNode)) {
    // `listen: 8080` is a port alone, like ":8080".
    const text = listenNode.kind === 'scalar' && typeof listenNode.value === 'number' ? `:${listenNode.value}` : readString(p, [...at, 'listen'], listenNode);
    if (text !== null) {
      const parsed = parseListen(text);
      if ('error' in parsed) p.add([...at, 'listen'], parsed.error);
      else listen = parsed;
    }
  }
  return {
    listen,
    url: readHttpUrl(p, [...at, 'url'], s.get('url')) ?? fallback.url,
    maxBodyBytes: readSize(p, [...at, 'max_body'], s.get('max_body'), fallback.maxBodyBytes, { min: 1 }),
    requestTimeoutMs: readDuration(p, [...at, 'request_timeout'], s.get('request_timeout'), fallback.requestTimeoutMs, { positive: true }),
  };
}

export function readAgent(p: Problems, node: TreeNode | undefined, fallback: AgentConfig, base: PathBase): AgentConfig {
  const at = ['agent'];
  const s = readMap(p, at, node, CONFIG_KEYS.agent);
  let hostName = fallback.hostName;
  const name = readString(p, [...at, 'host_name'], s.get('host_name'));
  if (name !== null) {
    const problem = hostNameProblem(name);
    if (problem) p.add([...at, 'host_name'], problem);
    else hostName = name;
  }
  const mounts = readOneOrMany([...at, 'mounts'], s.get('mounts'), (itemPath, item) => {
    const mount = readString(p, itemPath, item);
    if (mount !== null && !path.isAbsolute(mount)) {
      p.add(itemPath, `mount point must be an absolute path, got '${mount}'`);
      return null;
    }
    return mount;
  });
  const stateDir = readString(p, [...at, 'state_dir'], s.get('state_dir'));
  return {
    hostName,
    hostKey: readString(p, [...at, 'host_key'], s.get('host_key')) ?? fallback.hostKey,
    registrationToken: readString(p, [...at, 'registration_token'], s.get('registration_token')) ?? fallback.registrationToken,
    sampleWindowMs: readDuration(p, [...at, 'sample_window'], s.get('sample_window'), fallback.sampleWindowMs, { positive: true }),
    mounts: mounts.length > 0 ? [...new Set(mounts)] : fallback.mounts,
    stateDir: stateDir === null ? fallback.stateDir : resolveUserPath(stateDir, base),
    spoolMaxBytes: readSize(p, [...at, 'spool_max_size'], s.get('spool_max_size'), fallback.spoolMaxBytes, { min: 1 }),
    spoolMaxAgeMs: readDuration(p, [...at, 'spool_max_age'], s.get('spool_max_age'), fallback.spoolMaxAgeMs, { positive: true }),
    timeoutMs: readDuration(p, [...at, 'timeout'], s.get('timeout'), fallback.timeoutMs, { positive: true }),
    batchSize: readNumber(p, [...at, 'batch_size'], s.get('batch_size'), fallback.batchSize, { integer: true, min: 1 }),
  };
}

export function readAlerting(p: Problems, node: TreeNode | undefined, fallback: AlertingConfig): AlertingConfig {
  const at = ['alerting'];
  const s = readMap(p, at, node, CONFIG_KEYS.alerting);
  const percent = { min: 0, max: 100 };
  const alerting: AlertingConfig = {
    flapWindow: readNumber(p, [...at, 'flap_window'], s.get('flap_window'), fallback.flapWindow, { integer: true, min: 2 }),
    flapHighPct: readNumber(p, [...at, 'flap_high'], s.get('flap_high'), fallback.flapHighPct, percent),
    flapLowPct: readNumber(p, [...at, 'flap_low'], s.get('flap_low'), fallback.flapLowPct, percent),
    leaseTtlMs: readDuration(p, [...at, 'lease_ttl'], s.get('lease_ttl'), fallback.leaseTtlMs, { positive: true }),
    maxNotifyAttempts: readNumber(p, [...at, 'notify_max_attempts'], s.get('notify_max_attempts'), fallback.maxNotifyAttempts, { integer: true, min: 1 }),
    sampleMaxAgeMs: readDuration(p, [...at, 'sample_max_age'], s.get('sample_max_age'), fallback.sampleMaxAgeMs, { positive: true }),
  };
  if (alerting.flapLowPct >= alerting.flapHighPct) {
    // Point at whichever of the two the file actually sets.
    const key = s.has('flap_low') ? 'flap_low' : 'flap_high';
    p.add([...at, key], `flap_low (${alerting.flapLowPct}) must be lower than flap_high (${alerting.flapHighPct})`);
  }
  return alerting;
}

/** `./plugins/x.js` and `../x.js` are files next to the config; `/abs.js` stays; anything else is a package. */
export function readPlugins(p: Problems, node: TreeNode | undefined, base: PathBase): string[] {
  const plugins = readOneOrMany(['plugins'], node, (itemPath, item) => {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      p.add(itemPath, `expected a module path or package name, got ${describe(item)}`);
      return null;
    }
    const text = item.value.trim();
    if (text === '') return null;
    const isPath = text.startsWith('./') || text.startsWith('../') || text === '~' || text.startsWith('~/') || path.isAbsolute(text);
    return isPath ? resolveUserPath(text, base) : text;
  });
  return [...new Set(plugins)];
}
