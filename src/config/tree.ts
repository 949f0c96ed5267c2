// The YAML document turned into a small tree of plain maps, lists and scalars that remembers the
// line of every key. Validation reads this tree, not the yaml library's nodes, so aliases, merge
// keys (`<<: *defaults`) and `${VAR}` expansion are dealt with once, here.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

import type { ConfigIssue } from '../errors.js';
import { formatKey, LineIndex } from './key-path.js';
import type { KeyPath, MapEntry, ParsedTree, TreeNode } from './key-path.js';

/**
 * One issue per line with a syntax error: after the first mistake the parser's follow-up complaints
 * ("Unexpected scalar token...") repeat it. yaml's messages end with " at line N" only when pretty
 * errors are on; ours carry the line in the issue.
 */
function syntaxIssues(text: string, doc: Document, counter: LineCounter, file: string | null): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<number>();
  for (const error of doc.errors) {
    const line = counter.linePos(error.pos[0]).line;
    if (seen.has(line)) continue;
    seen.add(line);
    let message = `invalid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
    const source = text.split('\n')[line - 1] ?? '';
    if (source.includes('${') && /[[{]/.test(source)) message += ' (inside [ ] or { }, put values with ${VAR} in quotes)';
    issues.push({ key: '', message, file, line });
    if (issues.length === 5) break;
  }
  return issues;
}

/** The YAML text as a raw tree: strings not yet `${VAR}`-expanded (see expand-tree.ts). */
export function parseRawTree(text: string, file: string | null): ParsedTree {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, merge: true, uniqueKeys: true });
  const lines = new LineIndex();
  if (doc.errors.length > 0) return { root: null, lines, issues: syntaxIssues(text, doc, counter, file) };

  const issues: ConfigIssue[] = [];
  const lineAt = (node: YamlNode | null | undefined): number | null => (node?.range ? counter.linePos(node.range[0]).line : null);
  const report = (path: KeyPath, message: string, line: number | null): void => {
    issues.push({ key: formatKey(path), message, file, line });
  };
  // Aliases being expanded right now: a self-referencing anchor would otherwise recurse forever.
  const expanding = new Set<YamlNode>();

  const convert = (node: unknown, path: KeyPath, fallbackLine: number | null): TreeNode => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target || expanding.has(target)) {
        report(path, `alias *${node.source} refers to itself or to nothing`, lineAt(node));
        return { kind: 'scalar', value: null, line: lineAt(node), invalid: true };
      }
      expanding.add(target);
      try {
        return convert(target, path, lineAt(node));
      } finally {
        expanding.delete(target);
      }
    }
    if (isMap(node)) {
      const own: MapEntry[] = [];
      const merged: MapEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key;
        const line = isScalar(keyNode) ? lineAt(keyNode) : lineAt(node);
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // `<<: *base` or `<<: [*a, *b]`: entries of the referenced maps that the map does not set itself.
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const source of sources) {
            const value = convert(source, path, line);
            if (value.kind === 'map') merged.push(...value.entries);
            else report(path, `'<<' must refer to a map (e.g. <<: *defaults)`, line);
          }
          continue;
        }
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          report(path, 'keys must be plain words or names, not maps, lists or empty', line);
          continue;
        }
        // A scalar key that is not a string (a number, a YAML 1.1 bool or date) is used as it prints.
        // eslint-disable-next-line @typescript-eslint/no-base-to-string
        const key = String(keyNode.value);
        lines.set([...path, key], line);
        own.push({ key, value: convert(pair.value, [...path, key], line) });
      }
      const ownKeys = new Set(own.map((entry) => entry.key));
      const extra = merged.filter((entry, index) => !ownKeys.has(entry.key) && merged.findIndex((e) => e.key === entry.key) === index);
      for (const entry of extra) {
        if (lines.get([...path, entry.key]) === null) lines.set([...path, entry.key], entry.value.line);
      }
      return { kind: 'map', entries: [...own, ...extra], line: lineAt(node) ?? fallbackLine };
    }
    if (isSeq(node)) {
      const items = node.items.map((item, index) => {
        const line = lineAt(item as YamlNode) ?? lineAt(node);
        lines.set([...path, index], line);
        return convert(item, [...path, index], line);
      });
      return { kind: 'seq', items, line: lineAt(node) ?? fallbackLine };
    }
    const line = isScalar(node) ? (lineAt(node) ?? fallbackLine) : fallbackLine;
    const raw: unknown = isScalar(node) ? node.value : null;
    if (typeof raw === 'string') {
      // Kept as written: `${VAR}` is expanded by expand-tree.ts, so the raw tree can be cached.
      return { kind: 'scalar', value: raw, line, invalid: false, template: { plain: isScalar(node) && node.type === 'PLAIN' } };
    }
    if (raw === null || raw === undefined || typeof raw === 'number' || typeof raw === 'boolean') {
      return { kind: 'scalar', value: raw ?? null, line, invalid: false };
    }
    // What else a scalar can hold (a YAML timestamp, a bigint) is kept as it prints.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return { kind: 'scalar', value: String(raw), line, invalid: false };
  };

  const root = doc.contents === null ? null : convert(doc.contents, [], null);
  return { root, lines, issues };
}
