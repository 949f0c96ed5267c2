// database.url in its accepted forms, parsed without loading any driver:
//   mysql://user:pass@host:3306/db (also mariadb://), sqlite:/abs/path.db, sqlite:relative.db,
//   sqlite:///abs/path.db, sqlite::memory:, or a bare path ending in .db, .sqlite or .sqlite3.
// A mysql:// URL may ask for TLS: ?ssl=true (verify the certificate against the system's CAs),
// ?ssl-ca=/path/ca.pem (verify against that CA), ?ssl=no-verify (encrypt, do not verify). Any other
// parameter is refused: silently ignoring a misspelt ?ssl would send passwords in the clear.

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { MysqlTarget, MysqlTls } from './mysql/errors.js';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | ({ kind: 'mysql' } & MysqlTarget);

export interface UrlSource {
  /** Relative SQLite paths resolve against this. */
  cwd: string;
  /** Used when the url is empty. */
  defaultSqlitePath?: string;
  /** Where database.url was written, for the error message. */
  file?: string | null;
  line?: number | null;
}

const EXAMPLES = 'mysql://user:pass@host:3306/monitor, sqlite:/path/to/monitor.db or a path ending in .db';
const DEFAULT_MYSQL_PORT = 3306;

export function parseDatabaseUrl(url: string, source: UrlSource): DatabaseTarget {
  const fail = (message: string): never => {
    throw new ConfigError([{ key: 'database.url', message, file: source.file ?? null, line: source.line ?? null }]);
  };
  const text = url.trim();
  if (text === '') {
    if (source.defaultSqlitePath) return { kind: 'sqlite', path: resolve(source.cwd, source.defaultSqlitePath) };
    return fail(`is empty; use ${EXAMPLES}`);
  }
  if (/^sqlite:/i.test(text)) {
    const rest = text.slice('sqlite:'.length);
    if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:' };
    // sqlite:///abs/path.db (URL form) and sqlite:/abs/path.db both mean /abs/path.db.
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (path === '') return fail(`'${url}' names no file; use sqlite:/path/to/monitor.db`);
    return { kind: 'sqlite', path: resolve(source.cwd, decodeURIComponent(path)) };
  }
  if (/^(mysql|mariadb):\/\//i.test(text)) return parseMysqlUrl(text, source.cwd, fail);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return fail(`'${text.slice(0, text.indexOf(':'))}' databases are not supported; use ${EXAMPLES}`);
  }
  if (/\.(db|sqlite|sqlite3)$/i.test(text)) {
    return { kind: 'sqlite', path: isAbsolute(text) ? text : resolve(source.cwd, text) };
  }
  return fail(`'${url}' is not a database URL; use ${EXAMPLES}`);
}

function parseMysqlUrl(text: string, cwd: string, fail: (message: string) => never): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail(`'${redact(text)}' is not a valid URL; use mysql://user:pass@host:3306/monitor`);
  }
  if (parsed.hostname === '') return fail(`'${redact(text)}' names no host; use mysql://user:pass@host:3306/monitor`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    return fail(`'${redact(text)}' must name one database, e.g. mysql://user:pass@host:3306/monitor`);
  }
  const port = parsed.port === '' ? DEFAULT_MYSQL_PORT : Number(parsed.port);
  return {
    kind: 'mysql',
    // [::1] -> ::1 for the socket
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
    tls: parseTls(parsed.searchParams, cwd, fail),
  };
}

const SSL_MODES: Record<string, boolean | 'no-verify'> = { true: true, required: true, false: false, 'no-verify': 'no-verify' };

/**
 * What is wrong with a mysql:// URL's parameters, or null. Only `ssl` and `ssl-ca` exist. Shared with
 * config validation, which reports it at the file and line.
 */
export function mysqlParameterProblem(params: URLSearchParams): string | null {
  for (const name of new Set(params.keys())) {
    if (name !== 'ssl' && name !== 'ssl-ca') return `unknown parameter '${name}' (known: ssl=true|no-verify|false, ssl-ca=/path/to/ca.pem)`;
    if (params.getAll(name).length > 1) return `parameter '${name}' is given more than once`;
  }
  const ssl = params.get('ssl');
  if (ssl !== null && SSL_MODES[ssl.toLowerCase()] === undefined) return `ssl=${ssl} is not one of true, no-verify, false`;
  const ca = params.get('ssl-ca');
  if (ca !== null && ssl !== null && SSL_MODES[ssl.toLowerCase()] === false) return 'ssl=false contradicts ssl-ca (which turns TLS on)';
  if (ca === '') return 'ssl-ca names no file; use ssl-ca=/path/to/ca.pem';
  return null;
}

function parseTls(params: URLSearchParams, cwd: string, fail: (message: string) => never): MysqlTls | null {
  const problem = mysqlParameterProblem(params);
  if (problem !== null) return fail(problem);
  const ssl = params.get('ssl');
  const mode = ssl === null ? null : SSL_MODES[ssl.toLowerCase()]!;
  const caParam = params.get('ssl-ca');
  if (caParam === null) return mode === null || mode === false ? null : { verify: mode === true, ca: null, caPath: null };
  const caPath = resolve(cwd, caParam);
  let ca: string;
  try {
    ca = readFileSync(caPath, 'utf8');
  } catch (error) {
    return fail(`ssl-ca: cannot read ${caPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) return fail(`ssl-ca: ${caPath} holds no PEM certificate`);
  return { verify: mode !== 'no-verify', ca, caPath };
}

/** The URL without its password, safe for messages and `store.location`. */
export function mysqlLocation(target: MysqlTarget): string {
  const user = target.user === '' ? '' : `${encodeURIComponent(target.user)}@`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const tls = !target.tls ? '' : target.tls.caPath ? `?ssl-ca=${target.tls.caPath}` : target.tls.verify ? '?ssl=true' : '?ssl=no-verify';
  return `mysql://${user}${host}:${target.port}/${target.database}${tls}`;
}

/** A URL as typed, with its password replaced by ***: safe for error messages. */
export function redact(text: string): string {
  return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
