// `${VAR}` expansion over a raw config tree (tree.ts leaves strings as written). Apart from parsing so
// the raw tree can be cached (tree-cache.ts) without any environment value — no secret from the
// environment ever lands in the cache.

import type { ConfigIssue } from '../errors.js';
import { expandEnv, resolvePlainScalar } from './expand-env.js';
import { formatKey, type KeyPath, type ParsedTree, type TreeNode } from './key-path.js';
import type { Env } from './locate.js';

export function expandTree(raw: ParsedTree, env: Env, file: string | null): ParsedTree {
  const issues: ConfigIssue[] = [...raw.issues];
  const expand = (node: TreeNode, path: KeyPath): TreeNode => {
    if (node.kind === 'map')
      return { ...node, entries: node.entries.map((entry) => ({ key: entry.key, value: expand(entry.value, [...path, entry.key]) })) };
    if (node.kind === 'seq') return { ...node, items: node.items.map((item, index) => expand(item, [...path, index])) };
    if (!node.template || typeof node.value !== 'string') return node;
    const expansion = expandEnv(node.value, env);
    if (!expansion.ok) {
      for (const problem of expansion.problems) issues.push({ key: formatKey(path), message: problem, file, line: node.line });
      return { kind: 'scalar', value: node.value, line: node.line, invalid: true };
    }
    const value = expansion.expanded && node.template.plain ? resolvePlainScalar(expansion.text) : expansion.text;
    return { kind: 'scalar', value, line: node.line, invalid: false, expanded: expansion.expanded };
  };
  const root = raw.root === null ? null : expand(raw.root, []);
  return { root, lines: raw.lines, issues };
}
