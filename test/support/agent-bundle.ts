// The one-file agent (and the single executable) as tests run it: built from the current sources by the same script as
// `npm run dist`, into the test's own directory (never racing another test over dist/).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './cli.js';

/** Builds the single executable (scripts/build-sea.mjs) into `dir` and returns its path. */
export async function buildAgentExecutable(dir: string): Promise<string> {
  const file = join(dir, 'monitor-agent');
  await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'scripts/build-sea.mjs'), file], { cwd: PROJECT_ROOT });
  return file;
}

/** Builds monitor-agent.mjs into `dir` and returns its path. */
export async function buildAgentBundle(dir: string): Promise<string> {
  const file = join(dir, 'monitor-agent.mjs');
  await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'scripts/build-agent.mjs'), file], { cwd: PROJECT_ROOT });
  return file;
}
