// A unique key refused a row. Drivers raise this for every duplicate key except the one-open-alert
// key (DuplicateOpenAlertError); the store turns the ones users can cause into a sentence that names
// the thing, e.g. "host 'web-01' already exists".

import { ConflictError } from '../../errors.js';

export class DuplicateKeyError extends ConflictError {
  /** `table.column` of the refused key when the driver can tell, e.g. `hosts.host_name`; else the key name. */
  readonly constraint: string;

  constructor(constraint: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.constraint = constraint;
  }
}
