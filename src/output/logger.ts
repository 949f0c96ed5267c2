// Logs go to standard error: readable lines on a terminal, JSON lines otherwise (journald, files,
// log shippers). Debug lines only with --verbose or DEBUG=monitor.

import type { Logger } from '../context.js';
import { redactText } from '../text/redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  write: (line: string) => void;
  json: boolean;
  debug: boolean;
  now?: () => Date;
  /** Values masked wherever they appear in a message or field (see config/secrets.ts). */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const secrets = options.secrets ?? [];
  const emit = (level: Level, rawMessage: string, rawFields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !options.debug) return;
    // Every line is scrubbed, whoever wrote it: an error message may quote a URL or a server's answer.
    const message = redactText(rawMessage, secrets);
    const fields = Object.fromEntries(Object.entries(rawFields).map(([key, value]) => [key, redactField(value, secrets)]));
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

function redactField(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value instanceof Error) return redactText(value.message, secrets);
  if (Array.isArray(value)) return value.map((item) => redactField(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactField(item, secrets)]));
}
