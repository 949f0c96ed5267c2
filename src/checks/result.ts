// A check result whose sentence is worded only when someone reads it. `monitor check` evaluates
// every host check each run, but reads the message only of the few that change state; at 40,000
// checks, formatting the other sentences is a measurable share of a run.
//
// A class, not an object literal with a getter: a literal's getter is a new accessor on every
// object, which V8 builds slowly (measured: the largest share of a steady run's own code); the
// class's getter lives once on its prototype.

import type { CheckStatus } from '../store/types.js';
import type { CheckResult } from './types.js';

class LazyCheckResult implements CheckResult {
  #text: string | undefined = undefined;
  readonly #wording: () => string;

  constructor(
    readonly status: CheckStatus,
    readonly value: number | null,
    wording: () => string,
  ) {
    this.#wording = wording;
  }

  get message(): string {
    return (this.#text ??= this.#wording());
  }

  /** What a plain result would print: the three fields, the message worded. */
  toJSON(): CheckResult {
    return { status: this.status, value: this.value, message: this.message };
  }
}

export function checkResult(status: CheckStatus, value: number | null, message: () => string): CheckResult {
  return new LazyCheckResult(status, value, message);
}
