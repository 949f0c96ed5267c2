import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { reportsEndpoint, sendReports } from '../../src/agent/send.js';
import { ConfigError } from '../../src/errors.js';
import type { Report } from '../../src/reports/report.js';
import { closedPortUrl, startIngestServer } from './helpers/ingest-server.js';
import { startSilentServer } from '../support/network.js';
import { newReport } from '../support/samples.js';
import { listenOnLoopback } from '../support/network.js';
import { useCleanups } from '../support/cleanups.js';

const KEY = 'k'.repeat(32);
const defer = useCleanups();

const report: Report = newReport(new Date('2024-06-01T12:00:00.123Z'), { cpuPct: 12.5, memPct: 40, diskPct: 71.25, load1: 0.42 });

async function ingest() {
  const server = await startIngestServer({ [KEY]: 'web-01' });
  defer(() => server.close());
  return server;
}

/** A server whose answer the test writes by hand; it records what it was sent. */
async function scripted(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, res, body));
  });
  const port = await listenOnLoopback(server);
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${port}`;
}

describe('sending reports', () => {
  it('posts the wire form as {"reports": [...]} with the host key, and reports the acknowledgement', async () => {
    let seen: { method?: string; url?: string; auth?: string; type?: string; body?: unknown } = {};
    const url = await scripted((req, res, body) => {
      seen = {
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body: JSON.parse(body),
      };
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1,"duplicates":0}');
    });
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'accepted', body: { accepted: 1, duplicates: 0 } });
    expect(seen).toEqual({
      method: 'POST',
      url: '/api/v1/reports',
      auth: `Bearer ${KEY}`,
      type: 'application/json',
      body: {
        reports: [
          { host_name: 'web-01', collected_at: '2024-06-01T12:00:00.123Z', cpu_pct: 12.5, mem_pct: 40, disk_pct: 71.25, load_1: 0.42 },
        ],
      },
    });
  });

  it('is acknowledged once stored, and a re-sent report counts as a duplicate', async () => {
    const server = await ingest();
    const first = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    const again = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(first).toEqual({ kind: 'accepted', body: { accepted: 1, duplicates: 0 } });
    expect(again).toEqual({ kind: 'accepted', body: { accepted: 0, duplicates: 1 } });
    expect(server.stored).toHaveLength(1);
  });

  it('is refused with the server message on an unknown key (401)', async () => {
    const server = await ingest();
    const result = await sendReports({ serverUrl: server.url, hostKey: 'wrong', reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'rejected', status: 401, message: 'unknown host key' });
  });

  it('is refused with the bad field named on an invalid report (400)', async () => {
    const server = await ingest();
    const result = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [{ ...report, cpuPct: 150 }], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'rejected', status: 400, message: 'cpu_pct must be between 0 and 100' });
    expect(server.stored).toHaveLength(0);
  });

  it.each([500, 503, 408, 429])('is worth retrying when the server answers %i', async (status) => {
    const server = await ingest();
    server.override = { status, body: { error: 'database unavailable' } };
    const result = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'unavailable', reason: `${server.url}/api/v1/reports answered ${status}: database unavailable` });
  });

  it('gives up after the timeout on a server that accepts the connection but never answers', async () => {
    const silent = await startSilentServer();
    defer(() => silent.close());
    const started = Date.now();
    const result = await sendReports({ serverUrl: silent.url, hostKey: KEY, reports: [report], timeoutMs: 300 });
    expect(result).toEqual({ kind: 'unavailable', reason: `no answer within 300 ms from ${silent.url}/api/v1/reports` });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up after the timeout when the answer starts but never finishes', async () => {
    const url = await scripted((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.write('{"accepted":');
    });
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 300 });
    expect(result).toEqual({ kind: 'unavailable', reason: `no answer within 300 ms from ${url}/api/v1/reports` });
  });

  it('says the connection was refused when nothing listens', async () => {
    const url = await closedPortUrl();
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'unavailable', reason: `connection refused (ECONNREFUSED) for ${url}/api/v1/reports` });
  });

  it("turns a proxy's HTML error page into one line, for the log and cron's mail", async () => {
    const url = await scripted((_req, res) =>
      res.writeHead(403, { 'content-type': 'text/html' }).end('<html>\n  <body>\n    Forbidden\n  </body>\n</html>\n'),
    );
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'rejected', status: 403, message: '<html> <body> Forbidden </body> </html>' });
  });

  it('reports a redirect instead of following it with a bodiless GET', async () => {
    const url = await scripted((_req, res) => res.writeHead(301, { location: 'https://monitor.example.com/api/v1/reports' }).end());
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toMatchObject({ kind: 'rejected', status: 301 });
    expect(result.kind === 'rejected' && result.message).toContain('https://monitor.example.com/api/v1/reports');
  });

  it('uses the response text when a refusal is not JSON', async () => {
    const url = await scripted((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route'));
    const result = await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'rejected', status: 404, message: 'no such route' });
  });

  it("does not count a 2xx without the ingest API's counts as an acknowledgement: the reports are kept", async () => {
    const url = await scripted((_req, res) => res.writeHead(200).end('ok'));
    expect(await sendReports({ serverUrl: url, hostKey: KEY, reports: [report], timeoutMs: 5000 })).toEqual({
      kind: 'unavailable',
      reason: `${url}/api/v1/reports answered 200 with no content type "ok": not the monitor ingest API's acknowledgement; check server.url (or MONITOR_SERVER_URL)`,
    });
  });

  it('does not count an acknowledgement of fewer reports than were sent', async () => {
    const url = await scripted((_req, res) =>
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1,"duplicates":0}'),
    );
    const result = await sendReports({
      serverUrl: url,
      hostKey: KEY,
      reports: [report, { ...report, collectedAt: new Date('2024-06-01T12:01:00Z') }],
      timeoutMs: 5000,
    });
    expect(result).toMatchObject({ kind: 'unavailable' });
    expect(result.kind === 'unavailable' && result.reason).toContain('counts for 1 report(s) (accepted 1, duplicates 0) where 2 were sent');
  });

  it('never prints the credentials of a server URL', async () => {
    const url = await scripted((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>'));
    const result = await sendReports({
      serverUrl: url.replace('http://', 'http://agent:pa55word@'),
      hostKey: KEY,
      reports: [report],
      timeoutMs: 5000,
    });
    expect(result.kind === 'unavailable' && result.reason).toMatch(new RegExp(`^${url}/api/v1/reports answered 200 with text/html`));
    expect(JSON.stringify(result)).not.toMatch(/agent|pa55word/);
    const refused = await sendReports({
      serverUrl: (await closedPortUrl()).replace('http://', 'http://agent:pa55word@'),
      hostKey: KEY,
      reports: [report],
      timeoutMs: 5000,
    });
    expect(JSON.stringify(refused)).not.toMatch(/pa55word/);
  });
});

describe('the reports endpoint', () => {
  it('keeps a path prefix of the server URL and ignores trailing slashes', () => {
    expect(reportsEndpoint('http://monitor.example.com:8080')).toBe('http://monitor.example.com:8080/api/v1/reports');
    expect(reportsEndpoint('https://example.com/monitor/')).toBe('https://example.com/monitor/api/v1/reports');
  });

  it.each([['monitor.example.com'], ['ftp://example.com'], ['']])('rejects %j as a config error on server.url', (url) => {
    let error: unknown;
    try {
      reportsEndpoint(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]!.key).toBe('server.url');
  });
});
