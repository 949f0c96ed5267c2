// The `database`, `server`, `agent`, `alerting` and `plugins` sections.

import path from 'node:path';

import type { AgentConfig, AlertingConfig, DatabaseConfig, ServerConfig } from './types.js';
import { describe, isEmpty, readDuration, readMap, readNumber, readOneOrMany, readSize, readString } from './fields.js';
import type { Problems } from './fields.js';
import { parseListen } from './listen.js';
import { formatDurationCompact } from '../time/duration.js';
import { readDashboardSettings } from './validate-dashboard.js';
import type { KeyPath, TreeNode } from './key-path.js';
import { CONFIG_KEYS } from './keys.js';
import { hostNameProblem } from '../hosts/host-name.js';
import { isParseError, parseDatabaseUrl, resolveUserPath, withPassword } from '../database-target/parse-url.js';
import type { UrlBase } from '../database-target/parse-url.js';
import type { DatabaseTarget } from '../database-target/types.js';
import { readFileSync } from 'node:fs';
import { redactUserinfo, urlOrigin } from '../text/redact.js';

/** Relative paths in a config file mean "next to the file", so cron's cwd does not matter. */
export type PathBase = UrlBase;

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

/** `secret`: a webhook or Slack URL, whose path holds a token: a bad one is described by its origin only. */
export function readHttpUrl(p: Problems, keyPath: KeyPath, node: TreeNode | undefined, secret = false): string | null {
  const text = readString(p, keyPath, node);
  if (text === null) return null;
  const url = normaliseHttpUrl(text);
  if (typeof url === 'string') return url;
  p.add(keyPath, secret ? url.error.replace(text, urlOrigin(text)) : url.error.replace(text, redactUserinfo(text)));
  return null;
}

/** `database` as read from the file, and the password given apart from the URL (applied last, see load.ts). */
export interface DatabaseSection {
  database: DatabaseConfig;
  password: string | null;
}

export function readDatabase(p: Problems, node: TreeNode | undefined, fallback: DatabaseConfig, base: PathBase): DatabaseSection {
  const at = ['database'];
  const s = readMap(p, at, node, CONFIG_KEYS.database);
  let target = fallback.target;
  const text = readString(p, [...at, 'url'], s.get('url'));
  if (text !== null) {
    const parsed = parseDatabaseUrl(text, base);
    if (isParseError(parsed)) p.add([...at, 'url'], parsed.error);
    else target = parsed;
  }
  return {
    database: {
      target,
      poolSize: readNumber(p, [...at, 'pool_size'], s.get('pool_size'), fallback.poolSize, { integer: true, min: 1 }),
      connectTimeoutMs: readDuration(p, [...at, 'connect_timeout'], s.get('connect_timeout'), fallback.connectTimeoutMs, {
        positive: true,
      }),
    },
    password: readDatabasePassword(p, s, base),
  };
}

/** `password` as written, or the first line of `password_file` (a Docker or systemd credential file). */
function readDatabasePassword(p: Problems, s: Map<string, TreeNode>, base: PathBase): string | null {
  const at = ['database'];
  const password = readString(p, [...at, 'password'], s.get('password'));
  const file = readString(p, [...at, 'password_file'], s.get('password_file'));
  if (file === null) return password;
  if (password !== null) {
    p.add([...at, 'password_file'], 'give database.password or database.password_file, not both');
    return null;
  }
  const filePath = resolveUserPath(file, base);
  let content: string;
  try {
    content = readFileSync(filePath, 'utf8');
  } catch (error) {
    p.add([...at, 'password_file'], `cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return null;
  }
  const first = content.replace(/\r?\n$/, '');
  if (first === '' || first.includes('\n')) {
    p.add([...at, 'password_file'], `${filePath} must hold the password on one line (it is ${first === '' ? 'empty' : 'several lines'})`);
    return null;
  }
  return first;
}

/** The database target with a separately given password applied; it wins over one in the URL. */
export function applyDatabasePassword(target: DatabaseTarget, password: string | null): DatabaseTarget | { error: string } {
  return password === null ? target : withPassword(target, password);
}

export function readServer(p: Problems, node: TreeNode | undefined, fallback: ServerConfig, base: PathBase): ServerConfig {
  const at = ['server'];
  const s = readMap(p, at, node, CONFIG_KEYS.server);
  const readListen = (key: string, fallbackListen: ServerConfig['metricsListen']) => {
    const listenNode = s.get(key);
    if (isEmpty(listenNode)) return fallbackListen;
    // `listen: 8080` is a port alone, like ":8080".
    const text =
      listenNode.kind === 'scalar' && typeof listenNode.value === 'number'
        ? `:${listenNode.value}`
        : readString(p, [...at, key], listenNode);
    if (text === null) return fallbackListen;
    const parsed = parseListen(text);
    if (!('error' in parsed)) return parsed;
    p.add([...at, key], parsed.error);
    return fallbackListen;
  };
  const token = readString(p, [...at, 'metrics_token'], s.get('metrics_token'));
  if (token !== null && !/^[\x21-\x7e]{16,}$/.test(token)) {
    p.add([...at, 'metrics_token'], 'must be at least 16 printable characters without spaces (e.g. openssl rand -hex 32)');
  }
  return {
    listen: readListen('listen', fallback.listen) ?? fallback.listen,
    url: readHttpUrl(p, [...at, 'url'], s.get('url')) ?? fallback.url,
    maxBodyBytes: readSize(p, [...at, 'max_body'], s.get('max_body'), fallback.maxBodyBytes, { min: 1 }),
    requestTimeoutMs: readDuration(p, [...at, 'request_timeout'], s.get('request_timeout'), fallback.requestTimeoutMs, { positive: true }),
    tls: readServerTls(p, s.get('tls'), base) ?? fallback.tls,
    metricsToken: token ?? fallback.metricsToken,
    metricsListen: readListen('metrics_listen', fallback.metricsListen),
    ...readDashboardSettings(p, at, s, fallback),
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
    caFile: readPath(p, [...at, 'ca_file'], s.get('ca_file'), base) ?? fallback.caFile,
  };
}

function readPath(p: Problems, keyPath: KeyPath, node: TreeNode | undefined, base: PathBase): string | null {
  const text = readString(p, keyPath, node);
  return text === null ? null : resolveUserPath(text, base);
}

/** `tls: { cert, key }`: both or neither. The files are read by `serve`, not here: other commands never need them. */
function readServerTls(p: Problems, node: TreeNode | undefined, base: PathBase): ServerConfig['tls'] {
  const at = ['server', 'tls'];
  const s = readMap(p, at, node, CONFIG_KEYS.tls);
  const certFile = readPath(p, [...at, 'cert'], s.get('cert'), base);
  const keyFile = readPath(p, [...at, 'key'], s.get('key'), base);
  if (certFile === null && keyFile === null) return null;
  if (certFile === null || keyFile === null) {
    p.add(at, `needs both cert and key (PEM files), got only ${certFile === null ? 'key' : 'cert'}`);
    return null;
  }
  return { certFile, keyFile };
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
    maxNotifyAttempts: readNumber(p, [...at, 'notify_max_attempts'], s.get('notify_max_attempts'), fallback.maxNotifyAttempts, {
      integer: true,
      min: 1,
    }),
    sampleMaxAgeMs: readDuration(p, [...at, 'sample_max_age'], s.get('sample_max_age'), fallback.sampleMaxAgeMs, { positive: true }),
    repeatIntervalMs: readRepeatInterval(p, [...at, 'repeat_interval'], s.get('repeat_interval'), fallback.repeatIntervalMs),
    groupThreshold: readNumber(p, [...at, 'group_threshold'], s.get('group_threshold'), fallback.groupThreshold, { integer: true, min: 1 }),
  };
  if (alerting.flapLowPct >= alerting.flapHighPct) {
    // Point at whichever of the two the file actually sets.
    const key = s.has('flap_low') ? 'flap_low' : 'flap_high';
    p.add([...at, key], `flap_low (${alerting.flapLowPct}) must be lower than flap_high (${alerting.flapHighPct})`);
  }
  return alerting;
}

const MIN_REPEAT_MS = 60_000;

/** `repeat_interval`: 0 turns repeats off; anything else at least a minute (a check run's pace). */
export function readRepeatInterval(p: Problems, keyPath: KeyPath, node: TreeNode | undefined, fallbackMs: number): number {
  const ms = readDuration(p, keyPath, node, -1);
  if (ms === -1) return fallbackMs;
  if (ms !== 0 && ms < MIN_REPEAT_MS) {
    p.add(keyPath, `must be 0 (no repeats) or at least 1m, got ${formatDurationCompact(ms)}`);
    return fallbackMs;
  }
  return ms;
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
