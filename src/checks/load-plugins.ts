// Plugin modules listed under `plugins:`: imported, their exports checked against the CheckFunction
// contract, names kept unique. Apart from the registry so that a command whose config lists no plugin
// never loads this (load-registry.ts imports it only when there are some).

import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { importModule } from './import-hook.js';
import { builtinChecks } from './registry.js';
import type { CheckFunction } from './types.js';

export interface PluginLoadOptions {
  /** Relative plugin paths and package names resolve from here (the config file's folder); default the cwd. */
  baseDir?: string;
  /** For error messages: the config file and the line of each `plugins` entry. */
  file?: string | null;
  lineOf?: (path: readonly string[]) => number | null;
}

/**
 * Imports each plugin module and collects its check functions: any export shaped like a
 * CheckFunction, or a default export that is one, or an array or object of them. Every problem
 * (cannot load, exports nothing valid, a name already taken) is reported at once as a ConfigError.
 */
export async function loadPlugins(paths: readonly string[], options: PluginLoadOptions = {}): Promise<CheckFunction[]> {
  const baseDir = options.baseDir ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const loaded: CheckFunction[] = [];
  const owner = new Map<string, string>(builtinChecks.map((fn) => [fn.name, 'a built-in check']));

  for (const [index, path] of paths.entries()) {
    const where = (message: string): ConfigIssue => ({
      key: 'plugins',
      message: `${path}: ${message}`,
      file: options.file ?? null,
      line: options.lineOf?.(['plugins', String(index)]) ?? options.lineOf?.(['plugins']) ?? null,
    });
    let module: Record<string, unknown>;
    try {
      module = (await importModule(resolveSpecifier(path, baseDir))) as Record<string, unknown>;
    } catch (error) {
      issues.push(where(loadFailure(path, error)));
      continue;
    }
    const { functions, rejected } = collectExports(module);
    if (functions.length === 0) {
      const why = rejected.length > 0 ? ` (${rejected.join('; ')})` : '';
      issues.push(where(`exports no check function${why}; export objects with name, description, params, window() and evaluate()`));
      continue;
    }
    for (const fn of functions) {
      const taken = owner.get(fn.name);
      if (taken) {
        issues.push(where(`check function '${fn.name}' is already defined by ${taken}; rename it`));
        continue;
      }
      owner.set(fn.name, `plugin ${path}`);
      loaded.push(fn);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { hint: 'fix or remove the plugin under plugins: in the config' });
  return loaded;
}

/** Paths become file URLs; a bare name is a package, resolved from baseDir (the user's project), not from here. */
function resolveSpecifier(path: string, baseDir: string): string {
  if (path.startsWith('file:')) return path;
  if (isAbsolute(path) || path.startsWith('.')) return pathToFileURL(resolve(baseDir, path)).href;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'package.json')).resolve(path)).href;
  } catch {
    // ESM-only packages have no "require" export; let import() resolve it from the install.
    return path;
  }
}

function loadFailure(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(path)) {
    return `cannot load: Node ${process.versions.node} does not run TypeScript; compile the plugin to .js`;
  }
  if (code === 'ERR_MODULE_NOT_FOUND') return `cannot load: not found (${text})`;
  return `cannot load: ${text}`;
}

function collectExports(module: Record<string, unknown>): { functions: CheckFunction[]; rejected: string[] } {
  const candidates: [string, unknown][] = [];
  for (const [name, value] of Object.entries(module)) {
    if (name === 'default' && Array.isArray(value)) value.forEach((item, i) => candidates.push([`default[${i}]`, item]));
    else if (name === 'default' && isPlainObject(value) && !looksLikeCheck(value)) {
      for (const [key, item] of Object.entries(value)) candidates.push([`default.${key}`, item]);
    } else candidates.push([name, value]);
  }
  const functions: CheckFunction[] = [];
  const rejected: string[] = [];
  for (const [name, value] of candidates) {
    // Helpers and constants a plugin exports next to its checks are not mistakes.
    if (!isPlainObject(value) || !looksLikeCheck(value)) continue;
    const problem = shapeProblem(value);
    if (problem) rejected.push(`export '${name}': ${problem}`);
    else if (!functions.includes(value as unknown as CheckFunction)) functions.push(value as unknown as CheckFunction);
  }
  return { functions, rejected };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeCheck(value: Record<string, unknown>): boolean {
  return 'evaluate' in value || ('name' in value && 'params' in value);
}

const PARAM_TYPES = ['number', 'duration', 'string', 'boolean', 'enum'];

function shapeProblem(value: Record<string, unknown>): string | null {
  if (typeof value.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(value.name)) return 'name must be a snake_case string';
  if (typeof value.description !== 'string') return 'description must be a string';
  if (typeof value.evaluate !== 'function') return 'evaluate must be a function';
  if (typeof value.window !== 'function') return 'window must be a function';
  if (value.validate !== undefined && typeof value.validate !== 'function') return 'validate must be a function';
  if (value.reads !== undefined && typeof value.reads !== 'function') return 'reads must be a function';
  if (value.hostLiveness !== undefined && !(isPlainObject(value.hostLiveness) && typeof value.hostLiveness.silentAt === 'function')) {
    return 'hostLiveness must be an object with a silentAt(params, since, now) function';
  }
  if (!isPlainObject(value.params)) return 'params must be an object of param specs';
  for (const [key, spec] of Object.entries(value.params)) {
    if (!isPlainObject(spec) || !PARAM_TYPES.includes(spec.type as string)) {
      return `params.${key}.type must be one of ${PARAM_TYPES.join(', ')}`;
    }
    if (spec.type === 'enum' && !Array.isArray(spec.values)) return `params.${key}.values must list the enum's values`;
  }
  return null;
}
