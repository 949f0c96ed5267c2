// Typed readers for config values. Each one reports a problem and returns a usable fallback instead
// of throwing, so one run of the loader lists every problem in the file at once.

import type { ConfigIssue } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { resolvePlainScalar } from './expand-env.js';
import { parseSize } from './size.js';
import { unknownKeyMessage } from './suggest.js';
import { formatKey } from './key-path.js';
import type { KeyPath, LineIndex, ScalarNode, ScalarValue, TreeNode } from './key-path.js';

/** Collects issues; each names the dotted key, the file and the line. */
export class Problems {
  readonly issues: ConfigIssue[] = [];

  constructor(
    readonly file: string | null,
    private readonly lines: LineIndex,
  ) {}

  add(path: KeyPath, message: string, line: number | null = this.lines.nearest(path)): void {
    this.issues.push({ key: formatKey(path), message, file: this.file, line });
  }
}

/** How a value reads in a message: 'soon', 5, true, a list, a map. */
export function describe(node: TreeNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  if (typeof node.value === 'string') return `'${node.value}'`;
  return String(node.value);
}

/** Absent, `key:` with nothing after it, or `~`. */
export type EmptyNode = undefined | (ScalarNode & { value: null });

/** Absent, `key:` with nothing after it, or `~`: the reader's default applies. */
export function isEmpty(node: TreeNode | undefined): node is EmptyNode {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/** Absent, empty, or a variable that was already reported as unset. */
function skip(node: TreeNode | undefined): boolean {
  return isEmpty(node) || (node.kind === 'scalar' && node.invalid);
}

/**
 * The scalar's value, reading a string that came from `${VAR}` the way YAML would have read it
 * unquoted: values with ${VAR} must be quoted inside [ ] and { }, which would make every one a string.
 */
function scalarValue(node: TreeNode): ScalarValue | undefined {
  if (node.kind !== 'scalar') return undefined;
  return node.expanded && typeof node.value === 'string' ? resolvePlainScalar(node.value) : node.value;
}

export type Section = Map<string, TreeNode>;

/**
 * The entries of a map, after reporting unknown keys (with the closest known one). Absent or empty
 * is an empty map; anything else that is not a map is reported and read as empty.
 */
export function readMap(p: Problems, path: KeyPath, node: TreeNode | undefined, known: readonly string[] | null): Section {
  const section: Section = new Map();
  if (skip(node)) return section;
  if (node!.kind !== 'map') {
    p.add(path, known ? `expected a map with keys ${known.join(', ')}; got ${describe(node!)}` : `expected a map, got ${describe(node!)}`);
    return section;
  }
  for (const entry of node!.entries) {
    if (known && !known.includes(entry.key)) {
      p.add([...path, entry.key], unknownKeyMessage(entry.key, known));
      continue;
    }
    section.set(entry.key, entry.value);
  }
  return section;
}

/** A key that must be there (and not empty): reported on the parent when missing. */
export function requireKey(p: Problems, path: KeyPath, section: Section, key: string): boolean {
  if (!isEmpty(section.get(key))) return true;
  p.add(section.has(key) ? [...path, key] : path, `missing required key '${key}'`);
  return false;
}

interface Bounds {
  min?: number;
  max?: number;
}

function outOfBounds(value: number, bounds: Bounds): string | null {
  if (bounds.min !== undefined && value < bounds.min) return `must be at least ${bounds.min}`;
  if (bounds.max !== undefined && value > bounds.max) return `must be at most ${bounds.max}`;
  return null;
}

export function readDuration(
  p: Problems,
  path: KeyPath,
  node: TreeNode | undefined,
  fallbackMs: number,
  options: { positive?: boolean } = {},
): number {
  if (skip(node)) return fallbackMs;
  const value =
    node!.kind === 'scalar' && (typeof node!.value === 'string' || typeof node!.value === 'number') ? parseDuration(node!.value) : null;
  if (value === null) {
    p.add(path, `expected a duration like 5m, 90s or 1h (a bare number is seconds), got ${describe(node!)}`);
    return fallbackMs;
  }
  if (options.positive && value <= 0) {
    p.add(path, `duration must be longer than 0, got ${describe(node!)}`);
    return fallbackMs;
  }
  return value;
}

export function readSize(p: Problems, path: KeyPath, node: TreeNode | undefined, fallbackBytes: number, bounds: Bounds = {}): number {
  if (skip(node)) return fallbackBytes;
  const value =
    node!.kind === 'scalar' && (typeof node!.value === 'string' || typeof node!.value === 'number') ? parseSize(node!.value) : null;
  if (value === null) {
    p.add(path, `expected a size like 10MiB, 512KiB or 10MB (a bare number is bytes), got ${describe(node!)}`);
    return fallbackBytes;
  }
  const bad = outOfBounds(value, bounds);
  if (bad) {
    p.add(path, `size ${bad} bytes, got ${describe(node!)}`);
    return fallbackBytes;
  }
  return value;
}

export function readNumber(
  p: Problems,
  path: KeyPath,
  node: TreeNode | undefined,
  fallback: number,
  options: Bounds & { integer?: boolean } = {},
): number {
  if (skip(node)) return fallback;
  const value = scalarValue(node!);
  const kind = options.integer ? 'a whole number' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (options.integer && !Number.isInteger(value))) {
    p.add(path, `expected ${kind}, got ${describe(node!)}`);
    return fallback;
  }
  const bad = outOfBounds(value, options);
  if (bad) {
    p.add(path, `${bad}, got ${value}`);
    return fallback;
  }
  return value;
}

export function readBoolean(p: Problems, path: KeyPath, node: TreeNode | undefined, fallback: boolean): boolean {
  if (skip(node)) return fallback;
  const value = scalarValue(node!);
  if (typeof value === 'boolean') return value;
  p.add(path, `expected true or false, got ${describe(node!)}`);
  return fallback;
}

/** A string; numbers are accepted as their text (a port-like password, a numeric host name). Empty is null. */
export function readString(p: Problems, path: KeyPath, node: TreeNode | undefined): string | null {
  if (skip(node)) return null;
  if (node!.kind === 'scalar' && (typeof node!.value === 'string' || typeof node!.value === 'number')) {
    const text = String(node!.value);
    return text === '' ? null : text;
  }
  p.add(path, `expected a string, got ${describe(node!)}`);
  return null;
}

export function readEnum<T extends string>(p: Problems, path: KeyPath, node: TreeNode | undefined, values: readonly T[]): T | null {
  if (skip(node)) return null;
  if (node!.kind === 'scalar' && values.includes(node!.value as T)) return node!.value as T;
  p.add(path, `expected one of ${values.join(', ')}, got ${describe(node!)}`);
  return null;
}

/** One value or a list of them (`to: ops@example.com` or `to: [a@x, b@x]`), each read by `item`. */
export function readOneOrMany<T>(path: KeyPath, node: TreeNode | undefined, item: (path: KeyPath, node: TreeNode) => T | null): T[] {
  if (isEmpty(node)) return [];
  const nodes = node.kind === 'seq' ? node.items.map((child, index) => [[...path, index], child] as const) : [[path, node] as const];
  const values: T[] = [];
  for (const [itemPath, child] of nodes) {
    const value = item(itemPath, child);
    if (value !== null) values.push(value);
  }
  return values;
}

const CHECK_KEY = /^[a-z0-9_]+$/;

export function checkKeyProblem(key: string): string | null {
  return CHECK_KEY.test(key) ? null : `check key '${key}' must be lowercase letters, digits and _ (e.g. disk_space)`;
}

/** Plain assignment; a key named `__proto__` (a host may be called anything) stays an ordinary key. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
