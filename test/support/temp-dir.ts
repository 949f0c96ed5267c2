// Real directories under the OS temp dir for tests, always removed afterwards.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

const madeForThisTest: string[] = [];

afterEach(async () => {
  await Promise.all(madeForThisTest.splice(0).map(removeTempDir));
});

/** A directory for the current test only, made on demand and removed after it. */
export async function tempDir(prefix = 'monitor-test-'): Promise<string> {
  const dir = await makeTempDir(prefix);
  madeForThisTest.push(dir);
  return dir;
}

export async function makeTempDir(prefix = 'monitor-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface TempDirHandle {
  /** The current directory; only valid inside tests and hooks. */
  readonly path: string;
}

/**
 * Registers hooks that give each test (scope 'each', the default) or the whole file/suite ('all')
 * a fresh directory, removed afterwards.
 */
export function useTempDir(prefix = 'monitor-test-', scope: 'each' | 'all' = 'each'): TempDirHandle {
  let current: string | null = null;
  const before = scope === 'each' ? beforeEach : beforeAll;
  const after = scope === 'each' ? afterEach : afterAll;
  before(async () => {
    current = await makeTempDir(prefix);
  });
  after(async () => {
    if (current !== null) await removeTempDir(current);
    current = null;
  });
  return {
    get path(): string {
      if (current === null) throw new Error('useTempDir: the directory exists only inside tests and hooks');
      return current;
    },
  };
}

/**
 * Registers hooks that build a fresh value (a test backend) in a new directory before each test;
 * the directory is removed after it. The returned getter is valid inside tests and hooks.
 */
export function freshPerTest<T>(prefix: string, make: (dir: string) => Promise<T> | T): () => T {
  const dir = useTempDir(prefix);
  let value: T | null = null;
  beforeEach(async () => {
    value = await make(dir.path);
  });
  afterEach(() => {
    value = null;
  });
  return () => {
    if (value === null) throw new Error('freshPerTest: the value exists only inside tests and hooks');
    return value;
  };
}
