// Self-registration, agent side: with no host key configured, the key this host was given when it
// registered is read from <state_dir>/host-key; with none there either and a registration token
// configured, the first send registers (POST /api/v1/register with the host name) and saves the key
// there, 0600, before using it. A server that cannot be reached during registration is an outage
// like any other (the report waits in the spool); a refused token or a taken name ends the run.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RejectedError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import type { WireReport } from '../reports/report.js';
import { isNotFound, stateDirError } from './errno.js';
import { errorMessage, post, reportsEndpoint, shownUrl, type SendResult } from './send.js';

export const HOST_KEY_FILE = 'host-key';
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
  const exchange = await post(
    url,
    shown,
    options.registrationToken ?? '',
    JSON.stringify({ host_name: options.hostName }),
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
  // 0600: the key is this host's password to the server.
  await writeFileAtomic(join(options.stateDir, HOST_KEY_FILE), `${key}\n`, { mode: 0o600 }).catch((error: unknown) => {
    throw stateDirError(error, options.stateDir);
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
