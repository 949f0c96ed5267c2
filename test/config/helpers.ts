// Real temporary directories (removed after each test) and a loader bound to them, so no test
// reads the real home directory, /etc or the process environment.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { tempDir as makeTempDir } from '../support/temp-dir.js';

import { ConfigError } from '../../src/errors.js';
import type { ConfigIssue } from '../../src/errors.js';
import { parseConfig } from '../../src/config/parse.js';
import type { ParseOptions } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';

export async function tempDir(): Promise<string> {
  return makeTempDir('monitor-config-');
}

export async function writeText(file: string, text: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

export const FILE = '/srv/monitor/monitor.yaml';

export function options(env: Record<string, string> = {}): ParseOptions {
  return { env, cwd: '/work/dir', homedir: '/home/ops', hostname: 'this-box' };
}

/** Parses YAML text as if it were FILE. */
export function parse(text: string, env: Record<string, string> = {}): Config {
  return parseConfig(text, FILE, options(env));
}

/** The issues of a config that must not load. */
export function issuesOf(load: () => unknown): ConfigIssue[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

export async function asyncIssuesOf(load: () => Promise<unknown>): Promise<ConfigError> {
  const error = await load().then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}
