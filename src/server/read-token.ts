// The bearer token that read endpoints (/metrics) require when server.metrics_token is set. Host
// keys are a different secret and never pass this check: a compromised agent cannot read the fleet.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-error.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Throws 401 unless `Authorization: Bearer <token>`; compared in constant time (hashes of equal length). */
export function requireReadToken(headers: IncomingHttpHeaders, token: string | null): void {
  if (token === null) return;
  const given = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (given !== undefined && timingSafeEqual(digest(given), digest(token))) return;
  throw new HttpError(401, 'this endpoint needs Authorization: Bearer <server.metrics_token>', {
    headers: { 'www-authenticate': 'Bearer realm="monitor"' },
  });
}
