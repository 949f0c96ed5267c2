// Edits YAML text in place: only the edited key's lines change, everything else (comments,
// aligned values, quoting, blank lines, key order) stays byte-for-byte. The yaml library's
// Document.toString() would re-format the whole file, so we use its nodes only to find source
// ranges and to render the new fragment, and splice text.

import { Document, isAlias, isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';

import { formatKey } from './key-path.js';
import {
  blockMap,
  column,
  fail,
  findPair,
  lineEnd,
  lineStart,
  parseSource,
  renderAfterKey,
  renderOptions,
  renderPair,
} from './yaml-source.js';
import type { Source } from './yaml-source.js';

export type ConfigEdit = { path: readonly string[]; value: unknown } | { path: readonly string[]; delete: true };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a value becomes when a key must be set inside it. A host check written as nothing, `{}` or
 * `true` is "enabled with defaults", so it becomes an empty map; `false` keeps meaning disabled as
 * `enabled: false`; a list of check keys (default_checks) becomes a map with one empty entry each.
 */
function asMap(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined || value === true) return {};
  if (value === false) return { enabled: false };
  if (isPlainObject(value)) return Object.defineProperties({}, Object.getOwnPropertyDescriptors(value));
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return Object.fromEntries(value.map((item: string) => [item, null]));
  }
  return null;
}

/** Assignment that keeps a key named `__proto__` an ordinary key. */
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `setIn` on plain data with the same conversions; returns the failing prefix length, or -1. */
function setPlain(target: Record<string, unknown>, path: readonly string[], value: unknown): number {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const next = asMap(node[path[i]!]);
    if (next === null) return i + 1;
    defineKey(node, path[i]!, next);
    node = next;
  }
  defineKey(node, path[path.length - 1]!, value);
  return -1;
}

/** Deletes `path` from plain data; false when it is not there. */
function deletePlain(target: Record<string, unknown>, path: readonly string[]): boolean {
  let inner: unknown = target;
  for (const key of path.slice(0, -1)) inner = isPlainObject(inner) ? inner[key] : undefined;
  const last = path[path.length - 1]!;
  if (!isPlainObject(inner) || !Object.hasOwn(inner, last)) return false;
  delete inner[last];
  return true;
}

function appendText(text: string, addition: string): string {
  return text === '' || text.endsWith('\n') ? text + addition : `${text}\n${addition}`;
}

/** Replaces a pair's value, keeping the key as written and a comment on its line. */
function replaceValue(source: Source, pair: Pair<YamlNode, YamlNode | null>, value: unknown): string {
  const { text } = source;
  const key = pair.key;
  const old = pair.value;
  const [keyStart, keyEnd] = key.range!;
  const newIsScalar = value === null || typeof value !== 'object';
  if (newIsScalar && isScalar(old) && old.value === value) return text;
  // The common case, `crit: 85` -> `crit: 90`: touch only the value's characters.
  if (newIsScalar && isScalar(old) && old.range && ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(old.type ?? 'PLAIN')) {
    const [start, end] = old.range;
    const doc = new Document(value);
    if (typeof value === 'string' && isScalar(doc.contents) && old.type) doc.contents.type = old.type;
    const rendered = doc.toString({ lineWidth: 0, nullStr: '', blockQuote: false }).replace(/\n$/, '');
    if (!text.slice(keyEnd, end).includes('\n') && !rendered.includes('\n')) {
      if (rendered === '') return text.slice(0, text.indexOf(':', keyEnd) + 1) + text.slice(end);
      const space = start === end && text[start - 1] === ':' ? ' ' : '';
      return text.slice(0, start) + space + rendered + text.slice(end);
    }
  }
  const valueEnd = old?.range ? old.range[1] : keyEnd;
  const regionEnd = lineEnd(text, Math.max(valueEnd, keyEnd + 1));
  const oldOnKeyLine = old?.range ? !text.slice(keyEnd, old.range[0]).includes('\n') : true;
  const lineOfComment = oldOnKeyLine ? text.slice(valueEnd, regionEnd) : text.slice(text.indexOf(':', keyEnd) + 1, lineEnd(text, keyEnd));
  const comment = /^[ \t]+#.*/.exec(lineOfComment.replace(/\n$/, ''))?.[0] ?? '';
  const rendered = renderAfterKey(source, value, column(source, keyStart));
  const [first, ...rest] = rendered.split('\n');
  const newline = text[regionEnd - 1] === '\n' ? '\n' : '';
  const replacement = [text.slice(keyStart, keyEnd) + ':' + first + comment, ...rest].join('\n') + newline;
  return text.slice(0, keyStart) + replacement + text.slice(regionEnd);
}

function setOne(source: Source, path: readonly string[], value: unknown): string {
  const { text, doc } = source;
  const root = doc.contents;
  if (root === null) return appendText(text, renderPair(source, path[0]!, nest(path.slice(1), value), 0));
  if (!isMap(root)) fail(source, path, 'cannot set a key: the file is not a map of sections', root.range?.[0] ?? null);
  if (root.flow) {
    // `{}` (or a one-line map) as the whole file: rewrite it in block style.
    const data = asMap(root.toJS(doc))!;
    setPlain(data, path, value);
    const [start, , end] = root.range;
    return text.slice(0, start) + stringify(data, renderOptions(source)) + text.slice(lineEnd(text, end));
  }
  let map: YAMLMap.Parsed = root;
  for (let i = 0; i < path.length; i++) {
    const pair = findPair(map, path[i]!);
    if (!pair) {
      // New key: after the map's last entry, at the map's indentation.
      const at = lineEnd(text, map.range[1]);
      const indent = column(source, (map.items[0]!.key as YamlNode).range![0]);
      const lines = renderPair(source, path[i]!, nest(path.slice(i + 1), value), indent);
      return at === text.length ? appendText(text, lines) : text.slice(0, at) + lines + text.slice(at);
    }
    if (i === path.length - 1) return replaceValue(source, pair, value);
    const next = pair.value;
    if (blockMap(next)) {
      map = next;
      continue;
    }
    const offset = next?.range?.[0] ?? null;
    if (isAlias(next)) {
      fail(source, path, `${formatKey(path.slice(0, i + 1))} is an alias (*${next.source}); edit the anchor it refers to`, offset);
    }
    const data = asMap(next === null ? null : next.toJS(doc));
    const failedAt = data === null ? 0 : setPlain(data, path.slice(i + 1), value);
    if (data === null || failedAt !== -1) {
      const prefix = path.slice(0, i + 1 + Math.max(failedAt, 0));
      const what = failedAt <= 0 && isSeq(next) ? 'a list' : 'a single value';
      fail(source, path, `cannot set a key inside ${formatKey(prefix)}: it holds ${what}, not a map`, offset);
    }
    return replaceValue(source, pair, data);
  }
  throw new Error('unreachable: empty path');
}

/** `['a', 'b'], 1` -> `{ a: { b: 1 } }`. */
function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function deleteOne(source: Source, path: readonly string[]): string {
  const { text, doc } = source;
  let map: unknown = doc.contents;
  if (isMap(map) && map.flow && map.range) {
    const data = map.toJS(doc) as Record<string, unknown>;
    if (!deletePlain(data, path)) return text;
    const rendered = Object.keys(data).length === 0 ? '{}\n' : stringify(data, renderOptions(source));
    return text.slice(0, map.range[0]) + rendered + text.slice(lineEnd(text, map.range[2]));
  }
  for (let i = 0; i < path.length; i++) {
    if (!blockMap(map)) return text;
    const pair = findPair(map, path[i]!);
    if (!pair) return text;
    const next = pair.value;
    if (i === path.length - 1) {
      const [keyStart, keyEnd] = pair.key.range!;
      const before = text.slice(lineStart(text, keyStart), keyStart);
      const start = /^[ \t]*$/.test(before) ? lineStart(text, keyStart) : keyStart;
      const end = lineEnd(text, Math.max(next?.range ? next.range[1] : keyEnd, keyEnd + 1));
      return text.slice(0, start) + text.slice(end);
    }
    if (blockMap(next)) {
      map = next;
      continue;
    }
    // Inside a flow map, or a shorthand read as a map (`false` is `enabled: false`, so deleting
    // `enabled` from it enables the check). What is left empty is written as an empty value.
    if (isAlias(next)) return text;
    const data = asMap(next === null ? null : next.toJS(doc));
    if (data === null || !deletePlain(data, path.slice(i + 1))) return text;
    return replaceValue(source, pair, Object.keys(data).length === 0 ? null : data);
  }
  return text;
}

/** The plain value at `path`, matching keys as the loader does (String(key)); undefined when absent. */
function lookup(text: string, path: readonly string[]): { ok: boolean; value: unknown } {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) return { ok: false, value: undefined };
  let node: unknown = doc.contents;
  for (const key of path) {
    if (!isMap(node)) return { ok: true, value: undefined };
    const pair = findPair(node, key);
    if (!pair) return { ok: true, value: undefined };
    node = pair.value;
  }
  return { ok: true, value: isAlias(node) || isMap(node) || isSeq(node) || isScalar(node) ? node.toJS(doc) : null };
}

/** Applies edits in order to YAML text; the result is re-parsed to prove each edit landed. */
export function editYaml(text: string, edits: readonly ConfigEdit[], file: string | null = null): string {
  // A file saved with Windows line endings keeps them: edit with \n, convert back at the end.
  const crlf = text.includes('\r\n');
  let current = crlf ? text.replace(/\r\n/g, '\n') : text;
  for (const edit of edits) {
    if (edit.path.length === 0) throw new Error('a config edit needs a key path');
    const source = parseSource(current, file);
    if ('delete' in edit) {
      current = deleteOne(source, edit.path);
      const after = lookup(current, edit.path);
      if (!after.ok || after.value !== undefined) throw new Error(`internal: deleting ${formatKey(edit.path)} produced a wrong file`);
    } else {
      if (edit.value === undefined) throw new Error(`no value to set at ${formatKey(edit.path)}`);
      current = setOne(source, edit.path, edit.value);
      const after = lookup(current, edit.path);
      if (!after.ok || JSON.stringify(after.value) !== JSON.stringify(edit.value)) {
        throw new Error(`internal: setting ${formatKey(edit.path)} produced a wrong file`);
      }
    }
  }
  return crlf ? current.replace(/\n/g, '\r\n') : current;
}
