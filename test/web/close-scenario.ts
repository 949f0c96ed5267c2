// The dashboard's Close button over a real socket, on a real database (SQLite and MariaDB run the
// same scenario): only a signed-in user with the page's CSRF token may close; the close runs
// `monitor alerts close`'s domain code, so the alert is resolved "closed by hand: REASON" and its
// announcement waits in the outbox on every configured channel, like a close from the CLI.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { hashApiToken, hashPassword, newApiToken } from '../../src/web/password.js';
import { manualClock } from '../support/clock.js';
import { memoryLog } from '../support/memory-log.js';
import { serverConfig } from '../server/ingest-scenario.js';
import { Browserless } from './http.js';
import { seedFleet, type Fleet } from './fleet-fixture.js';

export interface CloseFixture {
  store: Store;
  cleanup(): Promise<void>;
}

const PASSWORD = 'correct horse battery';
const CHANNELS = ['webhook:0', 'slack'];

export function closeScenario(name: string, open: () => Promise<CloseFixture | null>): void {
  describe(`dashboard Close on ${name}`, () => {
    let fixture: CloseFixture | null = null;
    let server: RunningServer;
    let fleet: Fleet;
    const token = newApiToken();
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const clock = manualClock(now);

    beforeAll(async () => {
      fixture = await open();
      if (!fixture) return;
      fleet = await seedFleet(fixture.store, now);
      const config = serverConfig({
        users: { alice: { passwordHash: await hashPassword(PASSWORD) } },
        apiTokens: { grafana: hashApiToken(token) },
      });
      server = await startServer({ store: fixture.store, config, log: memoryLog(), clock, notifyChannels: CHANNELS });
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      await fixture?.cleanup();
    });

    const signedIn = async (): Promise<{ http: Browserless; csrf: string; page: string }> => {
      const http = new Browserless(server.url);
      expect((await http.request('/login', { method: 'POST', form: { user: 'alice', password: PASSWORD } })).status).toBe(303);
      const page = await http.request('/alerts?status=all');
      expect(page.status).toBe(200);
      return { http, csrf: Browserless.csrfOf(page.text), page: page.text };
    };
    const outbox = () => fixture!.store.pendingNotifications(CHANNELS, 100, 100);
    const alert = (id: number) => fixture!.store.getAlert(id);

    it('shows Close, with a reason field, on open alerts only (Alerts page and host page)', async () => {
      if (!fixture) return;
      const { http, page } = await signedIn();
      for (const id of [fleet.alerts.diskCrit, fleet.alerts.memWarn]) {
        expect(page).toContain(`<form method="post" action="/alerts/${id}/close" class="close">`);
        expect(page).toContain(`aria-label="Reason for closing alert #${id}"`);
      }
      expect(page).not.toContain(`/alerts/${fleet.alerts.resolved}/close`);
      const host = await http.request('/hosts/storage-04');
      expect(host.text).toContain(`action="/alerts/${fleet.alerts.diskCrit}/close"`);
      expect(host.text).not.toContain(`/alerts/${fleet.alerts.resolved}/close`);
      // Nobody signed in: a read-only token and a stranger see no buttons (they get no page at all).
      expect((await new Browserless(server.url).request('/alerts')).status).toBe(303);
    });

    it('is refused without a session, with a forged or cross-site request, or for a read-only token; nothing is written', async () => {
      if (!fixture) return;
      const { http, csrf } = await signedIn();
      const id = fleet.alerts.diskCrit;
      const close = (client: Browserless, form: Record<string, string>, headers: Record<string, string> = {}) =>
        client.request(`/alerts/${id}/close`, { method: 'POST', form, headers });

      expect((await close(new Browserless(server.url), { csrf, reason: 'x' })).status).toBe(401);
      expect((await close(http, { reason: 'x' })).status).toBe(403);
      expect((await close(http, { csrf: `${csrf.slice(0, -2)}xx`, reason: 'x' })).status).toBe(403);
      expect((await close(http, { csrf, reason: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
      const tokenOnly = new Browserless(server.url);
      expect((await close(tokenOnly, { csrf, reason: 'x' }, { authorization: `Bearer ${token}` })).status).toBe(401);
      // GET never closes.
      expect((await http.request(`/alerts/${id}/close`)).status).toBe(405);
      // A reason past the CLI's limit is refused as the CLI refuses it.
      const long = await close(http, { csrf, reason: 'x'.repeat(501) });
      expect(long.status).toBe(400);
      expect(long.text).toContain('reason is longer than 500 characters');

      expect(await alert(id)).toMatchObject({ status: 'open', resolvedAt: null });
      expect(await outbox()).toEqual([]);
    });

    it('closes an open alert for a signed-in user, "closed by hand: REASON", announced in the outbox like the CLI', async () => {
      if (!fixture) return;
      const { http, csrf } = await signedIn();
      const id = fleet.alerts.diskCrit;
      const closed = await http.request(`/alerts/${id}/close`, {
        method: 'POST',
        form: { csrf, reason: '  disk\n replaced ', next: '/alerts?status=open' },
        headers: { origin: server.url },
      });
      expect(closed.status).toBe(303);
      expect(closed.headers.get('location')).toBe('/alerts?status=open');
      expect(await alert(id)).toMatchObject({ status: 'resolved', resolveMessage: 'closed by hand: disk replaced', resolvedAt: now });

      const rows = await outbox();
      expect(rows.map((row) => [row.channel, row.alertId, row.event]).sort()).toEqual([
        ['slack', id, 'resolve'],
        ['webhook:0', id, 'resolve'],
      ]);
      expect(rows[0]!.payload).toMatchObject({
        event: 'resolve',
        alert_id: id,
        host_name: 'storage-04',
        check_key: 'disk_space',
        status: 'resolved',
        message: "Host 'storage-04' closed by hand: disk replaced",
      });

      // The page no longer offers it; the API shows it resolved.
      const page = await http.request('/alerts?status=all');
      expect(page.text).not.toContain(`/alerts/${id}/close`);
      const resolved = (await http.request('/api/v1/alerts?status=resolved&host=storage-04')).json as {
        alerts: { alert_id: number; resolve_message: string }[];
      };
      expect(resolved.alerts.find((a) => a.alert_id === id)?.resolve_message).toBe('closed by hand: disk replaced');
    });

    it('refuses an already-resolved or unknown alert, writing nothing more', async () => {
      if (!fixture) return;
      const { http, csrf } = await signedIn();
      const before = await outbox();
      for (const id of [fleet.alerts.resolved, fleet.alerts.diskCrit]) {
        const again = await http.request(`/alerts/${id}/close`, { method: 'POST', form: { csrf, reason: 'again' } });
        expect(again.status).toBe(409);
        expect(again.text).toContain(`alert #${id} is already resolved`);
      }
      expect((await http.request('/alerts/999999/close', { method: 'POST', form: { csrf } })).status).toBe(404);
      expect(await alert(fleet.alerts.resolved)).toMatchObject({ resolveMessage: "Host 'storage-04' CPU usage normal: 20%" });
      expect(await outbox()).toEqual(before);
    });

    it('an empty reason box closes with plain "closed by hand"', async () => {
      if (!fixture) return;
      const { http, csrf } = await signedIn();
      const id = fleet.alerts.memWarn;
      expect((await http.request(`/alerts/${id}/close`, { method: 'POST', form: { csrf, reason: '   ' } })).status).toBe(303);
      expect(await alert(id)).toMatchObject({ status: 'resolved', resolveMessage: 'closed by hand' });
      expect((await outbox()).filter((row) => row.alertId === id).map((row) => row.payload.message)).toEqual([
        "Host 'db-03' closed by hand",
        "Host 'db-03' closed by hand",
      ]);
    });
  });
}
