// A Logger that keeps its lines, so tests can check what was (and was not) logged.

import type { Logger } from '../../src/context.js';

export interface LoggedLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function memoryLog(): Logger & { lines: LoggedLine[]; texts(): string[] } {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return {
    lines,
    /** Each line as "level: message". */
    texts: () => lines.map((line) => `${line.level}: ${line.message}`),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
