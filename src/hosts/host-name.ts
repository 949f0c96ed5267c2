// One rule for host names everywhere — `hosts add`, the reports the API accepts, the config's
// `hosts:` keys and agent.host_name — so a name one of them accepts is never refused by another:
// what fits a DNS name or a short label, at most 191 characters (the indexed VARCHAR in MySQL's utf8mb4).

import { UsageError } from '../errors.js';

export const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,190}$/;

export const HOST_NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 191 characters";

/** Why a name is not a host name, or null when it is one. */
export function hostNameProblem(name: string): string | null {
  if (HOST_NAME_PATTERN.test(name)) return null;
  if (name === '') return 'host name must not be empty';
  if (/\s/.test(name)) return `host name '${name}' must not contain whitespace`;
  return `host name '${name}' may only hold ${HOST_NAME_RULE}`;
}

export function assertHostName(name: string): void {
  if (!HOST_NAME_PATTERN.test(name)) throw new UsageError(`invalid host name '${name}': use ${HOST_NAME_RULE}`);
}
