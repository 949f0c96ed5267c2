// A DatabaseConfig from a URL, through the one parser config uses (src/database-target).

import { isParseError, parseDatabaseUrl } from '../../src/database-target/parse-url.js';
import type { DatabaseConfig } from '../../src/config/types.js';

export function databaseConfig(url: string, options: { poolSize?: number; connectTimeoutMs?: number; cwd?: string } = {}): DatabaseConfig {
  const target = parseDatabaseUrl(url, { baseDir: options.cwd ?? process.cwd(), homedir: process.env.HOME ?? '/' });
  if (isParseError(target)) throw new Error(target.error);
  return { target, poolSize: options.poolSize ?? 2, connectTimeoutMs: options.connectTimeoutMs ?? 5_000 };
}
