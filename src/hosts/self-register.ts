// Self-registration: an agent presents a registration token and its host name, and gets a host key
// of its own. Tokens are stored as SHA-256 hashes, like host keys. Every reason a token is refused
// (unknown, revoked, expired) gets the same answer, and the only host a caller learns about is the
// one it names: a taken name is refused, unless the token allows re-registration (a rebuilt server
// keeps its name and history; its old key stops working).

import { randomBytes } from 'node:crypto';
import { ConflictError, MonitorError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Host, RegistrationToken } from '../store/types.js';
import { generateHostKey, hashHostKey } from './host-key.js';
import { withTransactionRetry } from '../store/retry.js';

const TOKEN_PREFIX = 'mrt_';

export function generateRegistrationToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Same hash as host keys: a token is looked up by its hash, the plain token is never stored. */
export const hashRegistrationToken = hashHostKey;

/** The token is unknown, revoked or expired (one answer for all three): HTTP 401. */
export class TokenRefusedError extends MonitorError {
  readonly exitCode = 1 as const;
}

export interface SelfRegistration {
  host: Host;
  hostKey: string;
  /** True when an existing host was taken over (the token allows re-registration). */
  reregistered: boolean;
}

/** Whether a token registers hosts at `now`: the one rule `tokens list` shows and registration applies. */
export function registrationTokenStatus(token: RegistrationToken, now: Date): 'valid' | 'revoked' | 'expired' {
  if (token.revokedAt !== null) return 'revoked';
  return token.expiresAt !== null && token.expiresAt <= now ? 'expired' : 'valid';
}

/**
 * Registers `hostName` with a registration token. `hostKey` is the key the agent generated and saved
 * before asking (else one is made here): asking again with the same name and key — an agent killed
 * after the server committed but before it saved the answer — succeeds again instead of finding its
 * own name taken.
 */
export async function registerWithToken(
  store: Store,
  input: { token: string; hostName: string; now: Date; hostKey?: string },
): Promise<SelfRegistration> {
  const token = await store.findRegistrationTokenByHash(hashRegistrationToken(input.token));
  if (!token || registrationTokenStatus(token, input.now) !== 'valid') {
    throw new TokenRefusedError('registration token refused: unknown, revoked or expired', {
      hint: 'ask for a new one (`monitor tokens add NAME` on the monitoring server)',
    });
  }
  const hostKey = input.hostKey ?? generateHostKey();
  return withTransactionRetry(
    store,
    async (tx) => {
      const existing = await tx.findHostByName(input.hostName);
      let result: SelfRegistration;
      if (existing && input.hostKey !== undefined && (await tx.findHostByKeyHash(hashHostKey(hostKey)))?.hostId === existing.hostId) {
        return { host: existing, hostKey, reregistered: false };
      }
      if (existing) {
        if (!token.allowReregister) {
          throw new ConflictError(`host name '${input.hostName}' is already registered`, {
            hint: 'choose another name (agent.host_name, MONITOR_HOST_NAME), or use a token made with --allow-reregister',
          });
        }
        await tx.setHostKeyHash(existing.hostId, hashHostKey(hostKey), token.name);
        result = { host: existing, hostKey, reregistered: true };
      } else {
        const host = await tx.addHost({
          hostName: input.hostName,
          keyHash: hashHostKey(hostKey),
          description: null,
          createdAt: input.now,
          registeredBy: token.name,
        });
        result = { host, hostKey, reregistered: false };
      }
      await tx.countRegistrationTokenUse(token.name, input.now);
      return result;
    },
    undefined,
    { immediate: true },
  );
}
