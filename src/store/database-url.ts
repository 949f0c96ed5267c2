// database.url in its accepted forms, parsed without loading any driver:
//   mysql://user:pass@host:3306/db (also mariadb://), sqlite:/abs/path.db, sqlite:relative.db,
//   sqlite:///abs/path.db, sqlite::memory:, or a bare path ending in .db, .sqlite or .sqlite3.

import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { MysqlTarget } from './mysql/errors.js';

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
  if (/^(mysql|mariadb):\/\//i.test(text)) return parseMysqlUrl(text, fail);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return fail(`'${text.slice(0, text.indexOf(':'))}' databases are not supported; use ${EXAMPLES}`);
  }
  if (/\.(db|sqlite|sqlite3)$/i.test(text)) {
    return { kind: 'sqlite', path: isAbsolute(text) ? text : resolve(source.cwd, text) };
  }
  return fail(`'${url}' is not a database URL; use ${EXAMPLES}`);
}

function parseMysqlUrl(text: string, fail: (message: string) => never): DatabaseTarget {
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
  };
}

/** The URL without its password, safe for messages and `store.location`. */
export function mysqlLocation(target: MysqlTarget): string {
  const user = target.user === '' ? '' : `${encodeURIComponent(target.user)}@`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `mysql://${user}${host}:${target.port}/${target.database}`;
}

function redact(text: string): string {
  return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
