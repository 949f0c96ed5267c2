// One rule for host names everywhere (hosts add, reports, config): what fits a DNS name or a short
// label, at most 191 characters (the indexed VARCHAR in MySQL's utf8mb4).

import { UsageError } from '../errors.js';

export const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,190}$/;

export function isValidHostName(name: string): boolean {
  return HOST_NAME_PATTERN.test(name);
}

export function assertHostName(name: string): void {
  if (!isValidHostName(name)) {
    throw new UsageError(
      `invalid host name '${name}': use letters, digits, '.', '_' and '-' (at most 191 characters, starting with a letter or digit)`,
    );
  }
}
