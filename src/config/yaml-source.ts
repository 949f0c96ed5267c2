// YAML text parsed for editing: the document with source offsets, the file's own indentation
// style, and rendering of new fragments in that style. Used by yaml-edit.ts.

import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';

import { ConfigError } from '../errors.js';
import { formatKey } from './key-path.js';

export interface Source {
  text: string;
  doc: Document.Parsed;
  counter: LineCounter;
  file: string | null;
  /** Indentation step of the file (2 unless it visibly uses another), for new nested maps. */
  step: number;
  /** Whether the file indents `- item` under its key (yaml's default) or not. */
  indentSeq: boolean;
}

export function fail(source: Source, path: readonly string[], message: string, offset: number | null): never {
  const line = offset === null ? null : source.counter.linePos(offset).line;
  throw new ConfigError([{ key: formatKey(path), message, file: source.file, line }]);
}

export function column(source: Source, offset: number): number {
  return source.counter.linePos(offset).col - 1;
}

/** Offset just past the newline ending the line that holds `offset` (a line start stays put). */
export function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function blockMap(node: unknown): node is YAMLMap.Parsed {
  return isMap(node) && !node.flow;
}

export function findPair(map: YAMLMap, key: string): Pair<YamlNode, YamlNode | null> | undefined {
  return (map.items as Pair<YamlNode, YamlNode | null>[]).find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

export function parseSource(text: string, file: string | null): Source {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, merge: true });
  const source: Source = { text, doc, counter, file, step: 2, indentSeq: true };
  if (doc.errors.length > 0) {
    const [error] = doc.errors;
    fail(source, [], `cannot edit a file with invalid YAML: ${error!.message.split('\n')[0]}`, error!.pos[0]);
  }
  // Match the file's own style for what we add: the first nested map and list show it.
  if (blockMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const value = pair.value;
      if (blockMap(value) && value.items[0]?.key && isScalar(value.items[0].key) && value.items[0].key.range) {
        const step = column(source, value.items[0].key.range[0]) - column(source, (pair.key as YamlNode).range![0]);
        if (step >= 2 && step <= 8) source.step = step;
        break;
      }
    }
    const listed = firstBlockList(doc.contents);
    if (listed) source.indentSeq = column(source, listed.value.range![0]) > column(source, listed.key.range![0]);
  }
  return source;
}

/** The first `key:` followed by a block list, searching nested maps in file order. */
function firstBlockList(map: YAMLMap): { key: YamlNode; value: YamlNode } | null {
  for (const pair of map.items) {
    const key = pair.key as YamlNode;
    if (isSeq(pair.value) && !pair.value.flow && pair.value.range && key?.range) return { key, value: pair.value };
    if (blockMap(pair.value)) {
      const found = firstBlockList(pair.value);
      if (found) return found;
    }
  }
  return null;
}

/**
 * No line folding (a long URL stays on one line) and no block scalars: a `|` block would swallow
 * the more-indented comment lines that may follow it. An empty value is written `key:`.
 */
export function renderOptions(source: Source) {
  return { indent: source.step, indentSeq: source.indentSeq, lineWidth: 0, nullStr: '', blockQuote: false } as const;
}

/** YAML for `value` under a key at column `indent`: what follows "key:" (with its leading space). */
export function renderAfterKey(source: Source, value: unknown, indent: number): string {
  const text = stringify({ k: value }, renderOptions(source));
  const [first, ...rest] = text.replace(/\n$/, '').split('\n');
  const pad = ' '.repeat(indent);
  return [first!.slice('k:'.length), ...rest.map((line) => (line === '' ? line : pad + line))].join('\n');
}

/** YAML for `key: value` lines at column `indent`, each ending with a newline. */
export function renderPair(source: Source, key: string, value: unknown, indent: number): string {
  const text = stringify({ [key]: value }, renderOptions(source));
  const pad = ' '.repeat(indent);
  return (
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => (line === '' ? line : pad + line))
      .join('\n') + '\n'
  );
}
