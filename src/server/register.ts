// POST /api/v1/register: an agent with a registration token (Bearer) and no host key registers its
// host name and gets its own key, once. {"host_name", "host_key"?}: an agent may propose the key it
// generated and saved first, which makes asking again after a lost answer safe (the same name and key
// succeed again). 201 {"host_name","host_key"}; 401 for any refused token;
// 409 when the name is taken and the token does not allow re-registration; 429 once an address has
// spent its budget of refused attempts. Nothing in an answer names any host but the one asked for.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConflictError } from '../errors.js';
import { GENERATED_HOST_KEY } from '../hosts/host-key-format.js';
import { hostNameProblem } from '../hosts/host-name.js';
import { registerWithToken, TokenRefusedError } from '../hosts/self-register.js';
import { InvalidReportError } from '../reports/validate.js';
import { checkDeclaredSize, readBody } from './body.js';
import { HttpError } from './http-error.js';
import { checkContentType, databaseCall, parseJson, sendJson, type RouteDeps } from './routes.js';

export const REGISTER_PATH = '/api/v1/register';

const BEARER = /^Bearer[ \t]+([^\s]{1,512})[ \t]*$/i;
/** A registration body is one host name: anything bigger is not one. */
const MAX_BODY_BYTES = 4096;

export async function postRegister(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const now = deps.clock.now();
  const client = req.socket.remoteAddress ?? 'unknown';
  const wait = deps.registrations.wait(client, now.getTime());
  if (wait > 0)
    throw new HttpError(429, 'too many refused registration attempts from this address; try again later', {
      headers: { 'retry-after': String(wait) },
    });
  try {
    await register(deps, req, res, now);
  } catch (error) {
    // A refused attempt (bad token, taken name, bad body) spends the address's budget; an accepted
    // one or a database outage does not.
    if (error instanceof HttpError ? error.status < 500 : error instanceof InvalidReportError)
      deps.registrations.take(client, now.getTime());
    throw error;
  }
}

async function register(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, now: Date): Promise<void> {
  checkContentType(req.headers['content-type']);
  checkDeclaredSize(req, MAX_BODY_BYTES);
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (!token) throw new HttpError(401, 'missing registration token: send Authorization: Bearer <token>');
  const body = parseJson(await readBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: deps.requestTimeoutMs }));
  const hostName = (body as { host_name?: unknown } | null)?.host_name;
  if (typeof hostName !== 'string') throw new InvalidReportError('host_name', 'is required: {"host_name": "NAME"}');
  const bad = hostNameProblem(hostName);
  if (bad) throw new InvalidReportError('host_name', bad);
  const hostKey = (body as { host_key?: unknown }).host_key;
  if (hostKey !== undefined && (typeof hostKey !== 'string' || !GENERATED_HOST_KEY.test(hostKey))) {
    throw new InvalidReportError('host_key', 'must be a key the agent generated: mk_ and 43 base64url characters (32 random bytes)');
  }
  try {
    const registered = await databaseCall(deps, registerWithToken(deps.store, { token, hostName, now, ...(hostKey ? { hostKey } : {}) }));
    // A taken-over host's old key must stop working in this process now, not after the cache TTL.
    if (registered.reregistered) deps.auth.invalidate();
    sendJson(deps, req, res, 201, { host_name: registered.host.hostName, host_key: registered.hostKey });
  } catch (error) {
    if (error instanceof TokenRefusedError) throw new HttpError(401, error.message, { cause: error });
    if (error instanceof ConflictError)
      throw new HttpError(409, `${error.message}; ${error.hint ?? ''}`.replace(/; $/, ''), { cause: error });
    throw error;
  }
}
