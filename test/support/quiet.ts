// Small shared pieces for tests that talk to the real parts.

import type { Logger } from '../../src/context.js';

/** A logger for code under test whose log lines the test does not look at. */
export const silentLog: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** 'YYYY-MM-DD HH:MM:SS.mmm': how both databases hold times, written out independently of the store. */
export function storedTime(time: Date | string): string {
  return (typeof time === 'string' ? time : time.toISOString()).slice(0, 23).replace('T', ' ');
}
