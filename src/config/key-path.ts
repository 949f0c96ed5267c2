// The config as a small tree of plain maps, lists and scalars that remembers the line of every key,
// and key paths. Free of the yaml library on purpose: a run with no config file (every cron'd
// `collect` on a default install) validates defaults without loading a YAML parser.

import type { ConfigIssue } from '../errors.js';

export type ScalarValue = string | number | boolean | null;

export interface ScalarNode {
  kind: 'scalar';
  value: ScalarValue;
  line: number | null;
  /** Already reported (an unset variable): readers use their default and say nothing more. */
  invalid: boolean;
  /** Came from `${VAR}`: a quoted "${SMTP_PORT}" may still stand for a number. */
  expanded?: boolean;
  /**
   * A string as written, before `${VAR}` expansion (a raw tree, see expand-tree.ts); `plain` when it
   * was unquoted, so an expanded value is then read as YAML would read it (a number, a boolean).
   */
  template?: { plain: boolean };
}
export interface MapEntry {
  key: string;
  value: TreeNode;
}
export interface MapNode {
  kind: 'map';
  entries: MapEntry[];
  line: number | null;
}
export interface SeqNode {
  kind: 'seq';
  items: TreeNode[];
  line: number | null;
}
export type TreeNode = ScalarNode | MapNode | SeqNode;

/** Map keys by name, list items by index. */
export type KeyPath = readonly (string | number)[];

/** `hosts.web-01.checks.disk_space`, `notify.webhook[1].url`. */
export function formatKey(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** Lines of keys (and list items) by path; `lineOf` on Config reads it. */
export class LineIndex {
  private readonly lines = new Map<string, number>();

  private static id(path: readonly (string | number)[]): string {
    return path.map(String).join('\u0000');
  }

  set(path: KeyPath, line: number | null): void {
    if (line !== null) this.lines.set(LineIndex.id(path), line);
  }

  entries(): [string, number][] {
    return [...this.lines];
  }

  static fromEntries(entries: Iterable<[string, number]>): LineIndex {
    const index = new LineIndex();
    for (const [id, line] of entries) index.lines.set(id, line);
    return index;
  }

  get(path: readonly (string | number)[]): number | null {
    return this.lines.get(LineIndex.id(path)) ?? null;
  }

  /** The line of the path, else of its nearest ancestor that has one: where to point a problem. */
  nearest(path: KeyPath): number | null {
    for (let length = path.length; length > 0; length--) {
      const line = this.get(path.slice(0, length));
      if (line !== null) return line;
    }
    return null;
  }
}

export interface ParsedTree {
  /** Null for an empty file or one with only comments. */
  root: TreeNode | null;
  lines: LineIndex;
  issues: ConfigIssue[];
}

/** The plain JavaScript value of a subtree: check params are kept raw for the check functions. */
export function toPlain(node: TreeNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map':
      return Object.fromEntries(node.entries.map((entry) => [entry.key, toPlain(entry.value)]));
  }
}
