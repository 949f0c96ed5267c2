/// <reference lib="dom" />
// The dashboard in a real browser (headless Chromium): what a user sees and does. Servers run on a
// real SQLite file over real sockets; `monitor check` runs for real to open alerts.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { hashPassword } from '../../src/web/password.js';
import { REFRESH_SECONDS } from '../../src/web/handler.js';
import { runCli } from '../support/cli.js';
import { memoryLog } from '../support/memory-log.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { serverConfig } from '../server/ingest-scenario.js';
import { sqliteFixture } from '../server/sqlite-fixture.js';
import { browserRequired, chromiumProblem, launchBrowser, OUTPUT_DIR } from './browser.js';
import { seedFleet, type Fleet } from './fleet-fixture.js';

const PASSWORD = 'correct horse battery';

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

const describeBrowser = chromiumProblem === null || browserRequired() ? describe : describe.skip;
if (chromiumProblem !== null && !browserRequired()) {
  const line = `SKIPPED: the dashboard browser tests: ${chromiumProblem}. CI=true or MONITOR_REQUIRE_BROWSER=1 makes this a failure.`;
  console.warn(['', '!'.repeat(line.length + 4), `! ${line} !`, '!'.repeat(line.length + 4), ''].join('\n'));
}

describeBrowser('the dashboard in Chromium', () => {
  let fixture: Awaited<ReturnType<typeof sqliteFixture>>;
  let fleet: Fleet;
  let open: RunningServer;
  let guarded: RunningServer;
  let home: string;

  beforeAll(async () => {
    if (chromiumProblem !== null) throw new Error(`the browser tests are required here, but ${chromiumProblem}`);
    fixture = await sqliteFixture();
    fleet = await seedFleet(fixture.store, new Date());
    home = await makeTempDir();
    open = await startServer({ store: fixture.store, config: serverConfig(), log: memoryLog() });
    guarded = await startServer({
      store: fixture.store,
      config: serverConfig({ users: { alice: { passwordHash: await hashPassword(PASSWORD) } } }),
      log: memoryLog(),
      notifyChannels: ['webhook:0'],
    });
  });

  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    await fixture?.cleanup();
    if (home) await removeTempDir(home);
  });

  it('lists the hosts worst first with no console errors, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const browser = await launchBrowser({ colorScheme });
      try {
        const page = await browser.newPage();
        const errors = watchErrors(page);
        await page.goto(open.url);
        const names = await page.locator('table.fleet tbody tr td.name').allTextContents();
        expect(names).toEqual(['storage-04', 'old-02', 'db-03', 'new-05', 'web-01']);
        expect(await page.locator('[data-count="CRIT"]').textContent()).toBe('1');
        await page.screenshot({ path: join(OUTPUT_DIR, `fleet-${colorScheme}.png`), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await browser.dispose();
      }
    }
  });

  it('turns a host red within one refresh, without a reload and without layout shift, when its disk crosses crit', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(open.url);
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 42;
        (window as unknown as { shift: number }).shift = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
            if (!entry.hadRecentInput) (window as unknown as { shift: number }).shift += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: false });
      });
      const web = page.locator('tr[data-host="web-01"]');
      await expect.poll(() => web.getAttribute('class')).toBe('row-ok');

      // web-01 reports a full disk through the ingest API, and the real checker runs.
      const report = { host_name: 'web-01', collected_at: new Date().toISOString(), cpu_pct: 20, mem_pct: 40, disk_pct: 95, load_1: 0.3 };
      const posted = await fetch(`${open.url}/api/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fleet.keys['web-01']}`, 'content-type': 'application/json' },
        body: JSON.stringify(report),
      });
      expect(posted.status).toBe(202);
      const check = await runCli(['check'], { home, env: { MONITOR_DATABASE_URL: `sqlite:${fixture.file}` } });
      expect(check.stdout).toContain("Disk Space - Host 'web-01' disk usage critical: 95%");

      await page.locator('tr[data-host="web-01"].row-crit').waitFor({ timeout: (REFRESH_SECONDS + 3) * 1000 });
      expect(await web.locator('.badge').textContent()).toBe('CRIT');
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
      expect(await page.evaluate(() => (window as unknown as { shift: number }).shift)).toBeLessThan(0.01);
      const color = await web.locator('td.name a').evaluate((a) => getComputedStyle(a).color);
      expect(color).toBe('rgb(198, 40, 40)');
      await page.screenshot({ path: join(OUTPUT_DIR, 'fleet-after-crit.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.dispose();
    }
  }, 40_000);

  it('draws the host charts with the crit line and the open alert shaded', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${open.url}/hosts/storage-04?range=24h`);
      const disk = page.locator('figure[data-metric="disk_pct"]');
      await disk.locator('canvas').waitFor();
      await expect.poll(() => disk.getAttribute('data-crit-y')).not.toBeNull();
      expect(Number(await page.locator('.charts').getAttribute('data-points'))).toBeGreaterThan(200);
      // The crit line is drawn in the crit colour at the y the chart reports for it.
      const critY = Number(await disk.getAttribute('data-crit-y'));
      const pixel = await disk.locator('canvas').evaluate((canvas: HTMLCanvasElement, y: number) => {
        const ctx = canvas.getContext('2d')!;
        const row = ctx.getImageData(0, Math.round(y * devicePixelRatio), canvas.width, 1).data;
        let red = 0;
        for (let i = 0; i < row.length; i += 4) if (row[i]! > 150 && row[i + 1]! < 90 && row[i + 2]! < 90) red++;
        return red;
      }, critY);
      expect(pixel).toBeGreaterThan(50);
      expect(await page.locator('.facts .badge').textContent()).toBe('CRIT');
      expect(await page.locator('text=orders').count()).toBeGreaterThan(0);
      // Another range without a reload.
      await page.getByRole('link', { name: '7d', exact: true }).click();
      await expect.poll(() => page.locator('.charts').getAttribute('data-range')).toBe('7d');
      await page.screenshot({ path: join(OUTPUT_DIR, 'host.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.dispose();
    }
  }, 30_000);

  it('requires a login (users configured), then ack works for the signed-in user', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${guarded.url}/alerts?status=open`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.getByLabel('User').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${guarded.url}/alerts?status=open`);
      const row = page.locator(`tr[data-alert="${fleet.alerts.diskCrit}"]`);
      await page.screenshot({ path: join(OUTPUT_DIR, 'alerts.png'), fullPage: true });
      await row.getByRole('button', { name: 'Ack' }).click();
      await page.waitForLoadState();
      await expect.poll(async () => (await fixture.store.getAlert(fleet.alerts.diskCrit))!.acknowledgedAt).not.toBeNull();
      expect(await page.locator(`tr[data-alert="${fleet.alerts.diskCrit}"] .acked`).count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.dispose();
    }
  }, 30_000);

  it('closes an open alert with a reason for the signed-in user; the reason survives a refresh; the close is queued for announcement', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${guarded.url}/login?next=${encodeURIComponent('/alerts?status=open')}`);
      await page.getByLabel('User').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(`${guarded.url}/alerts?status=open`), page.getByRole('button', { name: 'Sign in' }).click()]);
      const id = fleet.alerts.diskCrit;
      const row = page.locator(`tr[data-alert="${id}"]`);
      const reason = row.getByLabel(`Reason for closing alert #${id}`);
      await reason.fill('disk replaced');
      // Focus elsewhere, a refresh goes by: the typed reason is still there.
      await page.locator('h1').click();
      await page.waitForTimeout((REFRESH_SECONDS + 1) * 1000);
      expect(await reason.inputValue()).toBe('disk replaced');
      await Promise.all([page.waitForURL(`${guarded.url}/alerts?status=open`), row.getByRole('button', { name: 'Close' }).click()]);
      expect(await fixture.store.getAlert(id)).toMatchObject({ status: 'resolved', resolveMessage: 'closed by hand: disk replaced' });
      expect(await page.locator(`tr[data-alert="${id}"]`).count()).toBe(0);
      const queued = await fixture.store.pendingNotifications(['webhook:0'], 10, 10);
      expect(queued.map((row) => [row.alertId, row.event, row.payload.message])).toEqual([
        [id, 'resolve', "Host 'storage-04' closed by hand: disk replaced"],
      ]);
      await page.screenshot({ path: join(OUTPUT_DIR, 'alerts-after-close.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.dispose();
    }
  }, 40_000);

  it('refuses an ack forged by another site, even while the user is signed in', async () => {
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<form id="f" method="post" action="${guarded.url}/alerts/${fleet.alerts.memWarn}/ack"><input name="csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${guarded.url}/login`);
      await page.getByLabel('User').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(`${guarded.url}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
      // localhost and 127.0.0.1 are different sites: the Strict cookie stays home, and the token is wrong anyway.
      const answer = page.waitForResponse((response) => response.url().includes(`/alerts/${fleet.alerts.memWarn}/ack`));
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      expect([401, 403]).toContain((await answer).status());
      expect((await fixture.store.getAlert(fleet.alerts.memWarn))!.acknowledgedAt).toBeNull();
    } finally {
      await browser.dispose();
      evil.close();
    }
  }, 30_000);

  it('is usable at a phone width: no sideways scrolling, states and names visible', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(open.url);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      for (const cell of await page.locator('table.fleet tbody td.name a').all()) expect(await cell.isVisible()).toBe(true);
      const box = await page.locator('tr[data-host="storage-04"] .badge').boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(OUTPUT_DIR, 'fleet-phone.png'), fullPage: true });
      await page.goto(`${open.url}/hosts/storage-04`);
      await page.locator('figure[data-metric="cpu_pct"] canvas').waitFor();
      await page.screenshot({ path: join(OUTPUT_DIR, 'host-phone.png'), fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(errors).toEqual([]);
    } finally {
      await browser.dispose();
    }
  }, 30_000);

  it('is keyboard-usable: skip link, then Tab reaches the filter and the host links', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(open.url);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
      await page.keyboard.type('db');
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=db/);
      expect(await page.locator('table.fleet tbody td.name').allTextContents()).toEqual(['db-03']);
    } finally {
      await browser.dispose();
    }
  }, 30_000);
});
