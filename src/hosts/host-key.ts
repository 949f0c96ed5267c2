// Host keys: 256 random bits, shown once, stored only as a SHA-256 hash. The server looks a key up
// by its hash, so the plain key never touches the database.

import { createHash, randomBytes } from 'node:crypto';
import { hostKeyFromBytes } from './host-key-format.js';

export function generateHostKey(): string {
  return hostKeyFromBytes(randomBytes(32));
}

export function hashHostKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
