// The one parser of database.url (config, MONITOR_DATABASE_URL, demo --database and the tests all use
// it). Accepted forms:
//   mysql://user:pass@host:3306/db (also mariadb://); the user and password are percent-decoded, and
//     everything up to the last @ is the user part, so a password with / ? # @ works encoded or not;
//   sqlite:/abs/path.db, sqlite:relative.db, sqlite:///abs/path.db, sqlite::memory:, or a bare path
//     (with a / or ending in .db, .sqlite, .sqlite3; ~ is the home directory). SQLite paths are file
//     names, never percent-decoded.
// A mysql:// URL may ask for TLS: ?ssl=true (verify against the system's CAs), ?ssl-ca=/path/ca.pem
// (verify against that CA), ?ssl=no-verify (encrypt, do not verify). Any other parameter is refused:
// silently ignoring a misspelt ?ssl would send passwords in the clear.
// Every message shows the URL with its password masked, whatever the URL's shape.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { redactUserinfo } from '../text/redact.js';
import type { DatabaseTarget, MysqlTarget, MysqlTls } from './types.js';

/** Relative paths resolve against `baseDir` (the config file's directory, or the working directory). */
export interface UrlBase {
  baseDir: string;
  homedir: string;
}

export type Parsed<T> = T | { error: string };

const MYSQL_EXAMPLE = 'mysql://user:password@host:3306/monitor';
const EXAMPLES = `${MYSQL_EXAMPLE}, sqlite:/path/to/monitor.db or a path ending in .db`;
const DEFAULT_MYSQL_PORT = 3306;

export function isParseError<T>(value: Parsed<T>): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value;
}

export function resolveUserPath(text: string, base: UrlBase): string {
  if (text === '~') return base.homedir;
  if (text.startsWith('~/')) return path.join(base.homedir, text.slice(2));
  return path.resolve(base.baseDir, text);
}

export function parseDatabaseUrl(text: string, base: UrlBase): Parsed<DatabaseTarget> {
  const trimmed = text.trim();
  if (trimmed === '') return { error: `database URL is empty; use ${EXAMPLES}` };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') return parseMysqlUrl(trimmed, scheme, base);
  if (scheme === 'sqlite') return parseSqliteUrl(trimmed, base);
  if (scheme !== undefined && scheme.length > 1 && !/^[a-z]:[\\/]/i.test(trimmed)) {
    return { error: `unsupported database '${scheme}:' (use mysql://user:password@host:3306/database or sqlite:PATH)` };
  }
  if (trimmed === '~' || trimmed.includes('/') || /\.(db|sqlite|sqlite3)$/i.test(trimmed)) {
    return { kind: 'sqlite', path: resolveUserPath(trimmed, base) };
  }
  return { error: `'${trimmed}' is not a database URL; use ${EXAMPLES}` };
}

function parseSqliteUrl(text: string, base: UrlBase): Parsed<DatabaseTarget> {
  const rest = text.slice('sqlite:'.length);
  if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:' };
  if (rest === '' || rest === '//' || rest === '///') return { error: `'${text}' names no file; use sqlite:/path/to/monitor.db` };
  // sqlite:///abs/path.db is the URL form of sqlite:/abs/path.db; sqlite://name.db would name a host.
  if (rest.startsWith('///')) return { kind: 'sqlite', path: rest.slice(2) };
  if (rest.startsWith('//')) return { error: `'${text}' is ambiguous; use sqlite:relative/path.db or sqlite:///absolute/path.db` };
  return { kind: 'sqlite', path: resolveUserPath(rest, base) };
}

/** Strict percent-decoding: a % not followed by two hex digits is an error, not "URI malformed" later. */
function decodePart(text: string, what: string, shown: string): Parsed<string> {
  if (/%(?![0-9a-f]{2})/i.test(text)) {
    return {
      error:
        `the ${what} in '${shown}' has a % that is not followed by two hex digits: write % as %25 ` +
        '(percent-encode the password), or give it in database.password / database.password_file / MONITOR_DATABASE_PASSWORD',
    };
  }
  try {
    return decodeURIComponent(text);
  } catch {
    return {
      error: `the ${what} in '${shown}' is not valid percent-encoded UTF-8; give it in database.password or database.password_file instead`,
    };
  }
}

function parseMysqlUrl(text: string, scheme: string, base: UrlBase): Parsed<DatabaseTarget> {
  const shown = redactUserinfo(text);
  if (!text.slice(scheme.length + 1).startsWith('//')) return { error: `'${shown}' is not a valid URL; use ${MYSQL_EXAMPLE}` };
  const rest = text.slice(scheme.length + 3);
  const at = rest.lastIndexOf('@');
  const userinfo = at < 0 ? '' : rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const user = decodePart(colon < 0 ? userinfo : userinfo.slice(0, colon), 'user name', shown);
  if (isParseError(user)) return user;
  const password = decodePart(colon < 0 ? '' : userinfo.slice(colon + 1), 'password', shown);
  if (isParseError(password)) return password;

  let url: URL;
  try {
    url = new URL(`mysql://${rest.slice(at + 1)}`);
  } catch {
    return { error: `'${shown}' is not a valid URL (is the port a number?); use ${MYSQL_EXAMPLE}` };
  }
  if (url.hostname === '') return { error: `'${shown}' names no host; use ${MYSQL_EXAMPLE}` };
  if (url.hash !== '') return { error: `'${shown}' has a # after the host; a # in the password must come before the last @` };
  const databaseText = url.pathname.replace(/^\//, '');
  const database = decodePart(databaseText, 'database name', shown);
  if (isParseError(database)) return database;
  if (database === '') return { error: `'${shown}' names no database (…:3306/monitor)` };
  if (database.includes('/')) return { error: `'${shown}' must name one database, e.g. ${MYSQL_EXAMPLE}` };
  const tls = parseTls(url.searchParams, base);
  if (isParseError(tls)) return tls;
  return {
    kind: 'mysql',
    // [::1] -> ::1 for the socket
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_MYSQL_PORT : Number(url.port),
    user,
    password,
    database,
    tls,
  };
}

const SSL_MODES: Record<string, boolean | 'no-verify'> = { true: true, required: true, false: false, 'no-verify': 'no-verify' };

/** What is wrong with a mysql:// URL's parameters, or null. Only `ssl` and `ssl-ca` exist. */
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

function parseTls(params: URLSearchParams, base: UrlBase): Parsed<MysqlTls | null> {
  const problem = mysqlParameterProblem(params);
  if (problem !== null) return { error: problem };
  const ssl = params.get('ssl');
  const mode = ssl === null ? null : SSL_MODES[ssl.toLowerCase()]!;
  const caParam = params.get('ssl-ca');
  if (caParam === null) return mode === null || mode === false ? null : { verify: mode === true, ca: null, caPath: null };
  // A relative CA path is relative to the config file, like a SQLite path.
  const caPath = resolveUserPath(caParam, base);
  let ca: string;
  try {
    ca = readFileSync(caPath, 'utf8');
  } catch (error) {
    return { error: `ssl-ca: cannot read ${caPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) return { error: `ssl-ca: ${caPath} holds no PEM certificate` };
  return { verify: mode !== 'no-verify', ca, caPath };
}

/** The target with the password given apart from the URL (database.password, a file, the environment). */
export function withPassword(target: DatabaseTarget, password: string): Parsed<DatabaseTarget> {
  if (target.kind !== 'mysql') return { error: 'a password applies only to a mysql:// database' };
  return { ...target, password };
}

/** The target as a URL without its password: safe for messages, logs and `store.location`. */
export function databaseLocation(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.path}`;
  return mysqlLocation(target);
}

export function mysqlLocation(target: MysqlTarget): string {
  const user = target.user === '' ? '' : `${encodeURIComponent(target.user)}@`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const tls = !target.tls ? '' : target.tls.caPath ? `?ssl-ca=${target.tls.caPath}` : target.tls.verify ? '?ssl=true' : '?ssl=no-verify';
  return `mysql://${user}${host}:${target.port}/${encodeURIComponent(target.database)}${tls}`;
}
