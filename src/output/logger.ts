// Logs go to standard error: readable lines on a terminal, JSON lines otherwise (journald, files,
// log shippers). Debug lines only with --verbose or DEBUG=monitor.

import type { Logger } from '../context.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  write: (line: string) => void;
  json: boolean;
  debug: boolean;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const emit = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !options.debug) return;
    if (options.json) {
      options.write(`${JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields })}\n`);
      return;
    }
    const extra = Object.entries(fields)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    const prefix = level === 'info' ? '' : `${level === 'warn' ? 'warning' : level}: `;
    options.write(`${prefix}${message}${extra ? ` (${extra})` : ''}\n`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
