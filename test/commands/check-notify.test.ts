// Notifiers that fail never cost the alert record or the other notifiers, and are retried by the
// next `monitor check` run until they deliver — once. Real destinations on local ports: two webhooks
// (one answering 500, one 200), an SMTP server refusing every recipient, and a command that fails
// until a flag file exists; every request and message is counted.

import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startEndpoint, type HttpEndpoint } from '../notify/fixtures/http-endpoint.js';
import { header, startSmtp, type SmtpEndpoint } from '../notify/fixtures/smtp.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, startFleet, type Fleet } from './support-check/ingest.js';

eachCheckBackend('monitor check with failing notifiers', (backend) => {
  let fleet: Fleet | undefined;
  let failing: HttpEndpoint | undefined;
  let working: HttpEndpoint | undefined;
  let smtp: SmtpEndpoint | undefined;
  afterEach(async () => {
    await fleet?.close();
    await failing?.close();
    await working?.close();
    await smtp?.close();
  });

  it('records the alert, delivers through the working notifiers, and retries the failed ones next run exactly once', async () => {
    failing = await startEndpoint({ status: 500, body: 'upstream down' });
    working = await startEndpoint({ status: 200 });
    smtp = await startSmtp({ refuseRecipients: true });
    const flag = join(backend().home, 'command-fixed');
    const delivered = join(backend().home, 'command-deliveries.jsonl');
    await backend().writeConfig(`
notify:
  webhook:
    - url: ${failing.url}/hook
      timeout: 3s
    - url: ${working.url}/hook
      timeout: 3s
  email:
    host: 127.0.0.1
    port: ${smtp.port}
    insecure: true
    from: monitor@example.com
    to: ops@example.com
    timeout: 3s
  command:
    - run: test -e '${flag}' && cat >> '${delivered}'
      timeout: 5s
`);
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');

    const first = await fleet.tick({ 'storage-server-04': { disk: 92 } });
    expect(first.code, first.stderr).toBe(0);
    const [alert] = await alertRows(backend());
    const line = `🚨 NEW ALERT #${alert!.alert_id}: Disk Space - Host 'storage-server-04' disk usage critical: 92%`;
    expect(lines(first)).toEqual([line]);
    expect(alert).toMatchObject({ status: 'open', value: 92 });
    expect(working.requests).toHaveLength(1);
    expect(JSON.parse(working.requests[0]!.body)).toMatchObject({
      event: 'open',
      alert_id: alert!.alert_id,
      host_name: 'storage-server-04',
      text: line,
    });
    expect(failing.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
    expect(existsSync(delivered)).toBe(false);
    expect(first.stderr).toMatch(
      /notify: webhook:0 failed \(attempt 1 of 10, will retry on the next run\): webhook:0 \(http:\/\/127\.0\.0\.1:\d+\) answered HTTP 500: upstream down/,
    );
    expect(first.stderr).toMatch(/notify: email failed \(attempt 1 of 10, will retry on the next run\): .*550/);
    expect(first.stderr).toMatch(/notify: command:0 failed \(attempt 1 of 10, will retry on the next run\): command:0 exited with code 1/);
    expect(first.stderr).toContain('3 notification(s) failed; they are retried on the next run');

    // A run with the destinations still down tries again (and fails again); nothing is sent twice.
    const second = await fleet.tick({ 'storage-server-04': { disk: 92 } });
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('3 notification(s) failed');
    expect([failing.requests.length, working.requests.length, smtp.messages.length]).toEqual([2, 1, 0]);

    failing.reply({ status: 200 });
    smtp.refuseRecipients(false);
    await writeFile(flag, '');
    const third = await fleet.tick({ 'storage-server-04': { disk: 92 } });
    expect(third).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([failing.requests.length, working.requests.length, smtp.messages.length]).toEqual([3, 1, 1]);
    expect(JSON.parse(failing.requests[2]!.body)).toMatchObject({ event: 'open', text: line });
    expect(header(smtp.messages[0]!.raw, 'Subject')).toBe(line);
    expect(commandDeliveries(delivered)).toEqual([expect.objectContaining({ event: 'open', text: line })]);

    // Delivered means done: later runs send nothing more for it.
    await fleet.tick({ 'storage-server-04': { disk: 92 } });
    expect([failing.requests.length, working.requests.length, smtp.messages.length, commandDeliveries(delivered).length]).toEqual([
      3, 1, 1, 1,
    ]);

    // The resolve goes everywhere once.
    const resolved = await fleet.tick({ 'storage-server-04': { disk: 45 } });
    expect(lines(resolved)).toEqual(["✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%"]);
    expect([failing.requests.length, working.requests.length, smtp.messages.length, commandDeliveries(delivered).length]).toEqual([
      4, 2, 2, 2,
    ]);

    const outbox = await backend().sql<{ channel: string; event: string; attempts: number; delivered: number }>(
      `SELECT channel, event, attempts, CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END AS delivered
         FROM notifications ORDER BY created_at, notification_id`,
    );
    expect(outbox.map((row) => ({ ...row, attempts: Number(row.attempts), delivered: Number(row.delivered) }))).toEqual([
      { channel: 'webhook:0', event: 'open', attempts: 3, delivered: 1 },
      { channel: 'webhook:1', event: 'open', attempts: 1, delivered: 1 },
      { channel: 'email', event: 'open', attempts: 3, delivered: 1 },
      { channel: 'command:0', event: 'open', attempts: 3, delivered: 1 },
      { channel: 'webhook:0', event: 'resolve', attempts: 1, delivered: 1 },
      { channel: 'webhook:1', event: 'resolve', attempts: 1, delivered: 1 },
      { channel: 'email', event: 'resolve', attempts: 1, delivered: 1 },
      { channel: 'command:0', event: 'resolve', attempts: 1, delivered: 1 },
    ]);
  });
});

function commandDeliveries(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
