// The shape of a host key, apart from the crypto that makes one: the one-file agent generates its own
// key for self-registration and loads node:crypto only then, not on every run.

const KEY_PREFIX = 'mk_';

/** What an agent-made key must look like: the prefix and 32 random bytes in base64url. */
export const GENERATED_HOST_KEY = /^mk_[A-Za-z0-9_-]{43}$/;

export function hostKeyFromBytes(bytes: Uint8Array): string {
  return `${KEY_PREFIX}${Buffer.from(bytes).toString('base64url')}`;
}
