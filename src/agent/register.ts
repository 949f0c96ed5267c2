// Self-registration, agent side: with no host key configured, the key this host was given when it
// registered is read from <state_dir>/host-key; with none there either and a registration token
// configured, the first send registers (POST /api/v1/register with the host name and the key it
// proposes, saved first as host-key.pending) and saves the accepted key there, 0600, before using it. A server that cannot be reached during registration is an outage
// like any other (the report waits in the spool); a refused token or a taken name ends the run.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RejectedError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { GENERATED_HOST_KEY, hostKeyFromBytes } from '../hosts/host-key-format.js';
import type { WireReport } from '../reports/report.js';
import { isNotFound, stateDirError } from './errno.js';
import { errorMessage, post, reportsEndpoint, shownUrl, type SendResult } from './send.js';

export const HOST_KEY_FILE = 'host-key';
/** The key proposed to the server while registering, until it accepted one. */
export const PENDING_KEY_FILE = 'host-key.pending';
const REGISTER_SUFFIX = '/api/v1/register';

export async function readSavedHostKey(stateDir: string): Promise<string | null> {
  try {
    const key = (await readFile(join(stateDir, HOST_KEY_FILE), 'utf8')).trim();
    return key === '' ? null : key;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw stateDirError(error, stateDir);
  }
}

export interface RegisteringSenderOptions {
  serverUrl: string;
  hostName: string;
  /** The configured or saved key; null: register first. */
  hostKey: string | null;
  registrationToken: string | null;
  stateDir: string;
  timeoutMs: number;
  /** agent.ca_file's PEM, trusted besides the system's CAs for an https server; null: none. */
  ca?: string | null;
  send: (hostKey: string, reports: WireReport[]) => Promise<SendResult>;
}

/** A send that registers on first use when there is no key yet. */
export function registeringSender(options: RegisteringSenderOptions): (reports: WireReport[]) => Promise<SendResult> {
  let hostKey = options.hostKey;
  return async (reports) => {
    if (hostKey === null) {
      const registered = await register(options);
      if (typeof registered !== 'string') return registered;
      hostKey = registered;
    }
    return options.send(hostKey, reports);
  };
}

async function register(options: RegisteringSenderOptions): Promise<string | SendResult> {
  const url = reportsEndpoint(options.serverUrl).replace(/\/api\/v1\/reports$/, REGISTER_SUFFIX);
  const shown = shownUrl(url);
  const proposed = await pendingHostKey(options.stateDir);
  const exchange = await post(
    url,
    shown,
    options.registrationToken ?? '',
    JSON.stringify({ host_name: options.hostName, host_key: proposed }),
    options.timeoutMs,
    options.ca ?? null,
  );
  if ('failure' in exchange) return { kind: 'unavailable', reason: `registration: ${exchange.failure}` };
  const { status, text } = exchange;
  if (status >= 500 || status === 408 || status === 429) {
    return {
      kind: 'unavailable',
      reason: `registration: ${shown} answered ${status}${errorMessage(text) ? `: ${errorMessage(text)}` : ''}`,
    };
  }
  const key = status === 201 ? hostKeyIn(text) : null;
  if (key === null) {
    const hint =
      status === 401
        ? 'check agent.registration_token (or MONITOR_REGISTRATION_TOKEN); `monitor tokens list` on the server shows the valid ones'
        : 'the report stays in the spool until this host has a key';
    throw new RejectedError(
      `server refused to register '${options.hostName}' (${status}): ${errorMessage(text) ?? 'no host key in the answer'}`,
      status,
      { hint },
    );
  }
  // 0600: the key is this host's password to the server. Written before the pending one goes, so a
  // kill between the two leaves a saved key (which wins) and a stale pending file.
  await writeFileAtomic(join(options.stateDir, HOST_KEY_FILE), `${key}\n`, { mode: 0o600 }).catch((error: unknown) => {
    throw stateDirError(error, options.stateDir);
  });
  await rm(join(options.stateDir, PENDING_KEY_FILE), { force: true });
  return key;
}

/**
 * The key this host proposes when registering, generated and saved (0600) before the first attempt
 * and reused by every later one until one succeeds: if the server registered the host but its answer
 * was lost (a kill, a timeout, a dropped connection), asking again with the same key succeeds instead
 * of finding the name taken by this very host.
 */
async function pendingHostKey(stateDir: string): Promise<string> {
  const file = join(stateDir, PENDING_KEY_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (GENERATED_HOST_KEY.test(saved)) return saved;
  } catch (error) {
    if (!isNotFound(error)) throw stateDirError(error, stateDir);
  }
  // node:crypto only here: registering happens once per host, sending on every run.
  const key = hostKeyFromBytes((await import('node:crypto')).randomBytes(32));
  await writeFileAtomic(file, `${key}\n`, { mode: 0o600 }).catch((error: unknown) => {
    throw stateDirError(error, stateDir);
  });
  return key;
}

function hostKeyIn(text: string): string | null {
  try {
    const body = JSON.parse(text) as { host_key?: unknown } | null;
    return typeof body?.host_key === 'string' && body.host_key !== '' ? body.host_key : null;
  } catch {
    return null;
  }
}
