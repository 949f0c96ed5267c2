// `monitor collect` empties its spool only on the ingest API's own acknowledgement: a 2xx whose JSON
// counts every report sent. A wrong server.url that reaches some other web server answering 200 (a
// default nginx page, a login portal), or JSON that does not count what was sent, is a failure: the
// reports stay in the spool, one line names the URL (without its credentials) and what answered, exit 1.
// Real sockets throughout, and the real ingest server (serve's startServer) to show the happy path.

import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { listenOnLoopback } from '../support/network.js';
import { lines, minutesAgo, trackedAgents } from './support-collect/agent.js';
import { createTestDatabase, serveOn } from './support-collect/databases.js';

const defer = useCleanups();
const agent = trackedAgents(defer);

/** A web server that answers every request with `status`, `type` and `body`, whatever it was sent. */
async function answering(status: number, type: string, body: string): Promise<{ port: number; hits: number[] }> {
  const hits: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(status);
      res.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  const port = await listenOnLoopback(server);
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, hits };
}

describe('collect and what counts as an acknowledgement', () => {
  it('keeps the reports when a web server that is not the ingest API answers 200, names the URL without its password, and exits 1', async () => {
    const db = await createTestDatabase('sqlite', 'collect_ack');
    defer(() => db!.drop());
    const serve = await serveOn(db!, 'web-01');
    defer(() => serve.close());
    const nginx = await answering(
      200,
      'text/html; charset=utf-8',
      '<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n',
    );
    const host = await agent({ serverUrl: `http://deploy:s3cret@127.0.0.1:${nginx.port}`, hostKey: serve.hostKey });
    const [t1, t2, t3] = [minutesAgo(3), minutesAgo(2), minutesAgo(1)];

    const html = await host.run(['collect'], { now: t1 });
    expect(html.code).toBe(1);
    expect(html.stdout).toBe('');
    expect(lines(html.stderr)).toEqual([
      `monitor: could not deliver the report: http://127.0.0.1:${nginx.port}/api/v1/reports answered 200 with text/html ` +
        `"<!DOCTYPE html> <html><body><h1>Welcome to nginx!</h1></body></html>": not the monitor ingest API's acknowledgement; ` +
        'check server.url (or MONITOR_SERVER_URL) — 1 report(s) kept in the spool are sent first on the next run',
    ]);
    expect(html.stderr).not.toContain('s3cret');
    expect(nginx.hits).toEqual([200]);
    expect((await host.spooled()).map((report) => report.collected_at)).toEqual([t1.toISOString()]);

    // JSON that counts fewer reports than were sent is not an acknowledgement either.
    const miscounting = await answering(202, 'application/json', '{"accepted":0,"duplicates":0}');
    const short = await host.run(['collect'], { now: t2, env: { MONITOR_SERVER_URL: `http://127.0.0.1:${miscounting.port}` } });
    expect(short.code).toBe(1);
    expect(lines(short.stderr)).toEqual([
      `monitor: could not deliver the report: http://127.0.0.1:${miscounting.port}/api/v1/reports answered 202 with counts for 0 report(s) ` +
        "(accepted 0, duplicates 0) where 1 were sent: not the monitor ingest API's acknowledgement; check server.url (or MONITOR_SERVER_URL) " +
        '— 2 report(s) kept in the spool are sent first on the next run',
    ]);
    expect((await host.spooled()).map((report) => report.collected_at)).toEqual([t1.toISOString(), t2.toISOString()]);
    expect(await db!.rows()).toEqual([]);

    // The real ingest API's answer is recognised: everything kept is delivered, and the spool empties.
    const fixed = await host.run(['collect'], { now: t3, env: { MONITOR_SERVER_URL: serve.url } });
    expect(fixed).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await host.spoolFiles()).toEqual([]);
    expect((await db!.rows()).map((row) => row.host_name)).toEqual(['web-01', 'web-01', 'web-01']);
  });

  it('keeps the reports on an empty 204 too', async () => {
    const empty = await answering(204, 'text/plain', '');
    const host = await agent({ serverUrl: `http://127.0.0.1:${empty.port}`, hostKey: 'mk_any' });
    const result = await host.run(['collect'], { now: minutesAgo(1) });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)[0]).toContain(
      `http://127.0.0.1:${empty.port}/api/v1/reports answered 204 with text/plain, empty: not the monitor ingest API's acknowledgement`,
    );
    expect(await host.spooled()).toHaveLength(1);
  });
});
