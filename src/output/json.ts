// --json output: one document, ISO-8601 UTC times (Date#toJSON), two-space indent, trailing newline.

import type { Output } from '../context.js';

export function printJson(out: Output, data: unknown): void {
  out.write(`${JSON.stringify(data, null, 2)}\n`);
}
