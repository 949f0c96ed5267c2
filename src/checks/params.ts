// Validates and normalises a check's params against its function's ParamSpecs. The caller merges
// the check type's defaults (alert_types.params_json) under the host's overrides first, so the
// merged object is what gets checked. Every problem is reported at once, each naming its key.

import { formatDurationCompact, parseDuration } from '../time/duration.js';
import type { CheckFunction, ParamSpec } from './types.js';

export interface ParamProblem {
  /** The param name, e.g. `crit`; the caller prefixes its own path (`hosts.web-01.checks.disk_space`). */
  key: string;
  message: string;
}

export interface NormalisedParams {
  /** Known params only, with normalised values (durations in ms); a param with a problem is left out. */
  params: Record<string, unknown>;
  problems: ParamProblem[];
}

export function normaliseParams(fn: CheckFunction, raw: Record<string, unknown>): NormalisedParams {
  const params: Record<string, unknown> = {};
  const problems: ParamProblem[] = [];
  const known = Object.keys(fn.params);

  for (const [key, value] of Object.entries(raw)) {
    const spec = fn.params[key];
    if (!spec) {
      problems.push({ key, message: unknownKeyMessage(key, known, fn.name) });
      continue;
    }
    // null lets a host override remove an inherited default (`clear: ~`).
    if (value === null || value === undefined) continue;
    const normalised = normaliseValue(spec, value);
    if ('problem' in normalised) problems.push({ key, message: normalised.problem });
    else params[key] = normalised.value;
  }

  for (const [key, spec] of Object.entries(fn.params)) {
    const given = raw[key];
    if (spec.required && (given === undefined || given === null)) {
      problems.push({ key, message: `is required: ${spec.description}` });
    }
  }

  // Cross-field rules see only the values that passed; a key already reported is not reported
  // again ("crit: expected a number" does not also need "crit: set warn, crit or both").
  if (fn.validate) {
    const reported = new Set(problems.map((p) => p.key));
    problems.push(...fn.validate(params).filter((p) => !reported.has(p.key)));
  }
  return { params, problems };
}

type Normalised = { value: unknown } | { problem: string };

function normaliseValue(spec: ParamSpec, value: unknown): Normalised {
  switch (spec.type) {
    case 'number': {
      const n = toNumber(value);
      if (n === null) return { problem: `expected a number, got ${show(value)}` };
      return checkRange(spec, n, String);
    }
    case 'duration': {
      const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : null;
      if (ms === null) return { problem: `expected a duration like 90s, 5m or 1h (a bare number is seconds), got ${show(value)}` };
      return checkRange(spec, ms, (n) => (n === 0 ? '0s' : formatDurationCompact(n)));
    }
    case 'string':
      if (typeof value === 'string' && value.trim() !== '') return { value };
      // YAML reads `dataset: 2024` as a number; the user meant the name.
      if (typeof value === 'number' && Number.isFinite(value)) return { value: String(value) };
      return { problem: `expected a non-empty string, got ${show(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { problem: `expected true or false, got ${show(value)}` };
    case 'enum': {
      const values = spec.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return { value };
      return { problem: `expected one of ${values.join(', ')}, got ${show(value)}` };
    }
  }
}

/** Numbers from `--set crit=85` arrive as strings; anything else that is not a finite number is wrong. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function checkRange(spec: ParamSpec, n: number, render: (n: number) => string): Normalised {
  if (spec.min !== undefined && n < spec.min) return { problem: `must be at least ${render(spec.min)}, got ${render(n)}` };
  if (spec.max !== undefined && n > spec.max) return { problem: `must be at most ${render(spec.max)}, got ${render(n)}` };
  return { value: n };
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function unknownKeyMessage(key: string, known: string[], fnName: string): string {
  const close = known.find((name) => editDistance(name, key.toLowerCase()) <= 2);
  const hint = close ? `did you mean '${close}'? ` : '';
  return `unknown param for ${fnName}; ${hint}known params: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
