// A DatabaseConfig from a URL for the benchmark scripts, through the one parser config uses (the
// compiled src/database-target): the store takes a typed target, never a URL.
import { homedir } from 'node:os';

const { isParseError, parseDatabaseUrl } = await import('../../dist/database-target/parse-url.js');

/** The typed target of a database URL (mysql://… or sqlite:PATH); throws on a bad one. */
export function databaseTarget(url) {
  const target = parseDatabaseUrl(url, { baseDir: process.cwd(), homedir: homedir() });
  if (isParseError(target)) throw new Error(target.error);
  return target;
}

export function databaseConfig(url, { poolSize = 2, connectTimeoutMs = 5_000 } = {}) {
  return { target: databaseTarget(url), poolSize, connectTimeoutMs };
}
