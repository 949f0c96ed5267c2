// Headless Chromium for the dashboard's browser tests: Debian's `chromium` package driven by
// playwright-core (no browser download). Missing Chromium skips the suite with a loud notice,
// except under CI (CI=true) or MONITOR_REQUIRE_BROWSER=1, where it fails.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { PROJECT_ROOT } from '../support/cli.js';

export const CHROMIUM = process.env.MONITOR_TEST_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function browserRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.MONITOR_REQUIRE_BROWSER === '1';
}

export const chromiumProblem: string | null = existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium)`;

/** Where screenshots go: MONITOR_TEST_OUTPUT, else .tmp/test-output (ignored by git). */
export const OUTPUT_DIR = join(process.env.MONITOR_TEST_OUTPUT || join(PROJECT_ROOT, '.tmp', 'test-output'), 'browser');

/** A fresh browser with its own profile directory (so no cookie or cache leaks between tests). */
export async function launchBrowser(
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  await mkdir(OUTPUT_DIR, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'monitor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 860 },
    timezoneId: 'UTC',
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  });
}
