// The ingest API's behaviour over real sockets against a real store: one scenario, run by
// sqlite.test.ts and mysql.test.ts, so both databases are held to the same promises.

import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { ServerConfig } from '../../src/config/types.js';
import type { Store } from '../../src/store/store.js';
import { get, parseMetrics, postReports, rawConnection } from './http-client.js';
import { manualClock } from '../support/clock.js';
import { memoryLog } from '../support/memory-log.js';

export interface IngestFixture {
  store: Store;
  /** Rows in incoming_data, counted with plain SQL (all hosts, or one). */
  countRows(hostName?: string): Promise<number>;
  cleanup(): Promise<void>;
}

export const serverConfig = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  listen: { host: '127.0.0.1', port: 0 },
  url: null,
  maxBodyBytes: 1024 * 1024,
  requestTimeoutMs: 2_000,
  tls: null,
  metricsToken: null,
  metricsListen: null,
  ...overrides,
});

export function ingestScenario(name: string, open: () => Promise<IngestFixture | null>): void {
  describe(`ingest API on ${name}`, () => {
    let fixture: IngestFixture | null = null;
    let server: RunningServer;
    const clock = manualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const log = memoryLog();
    const keys: Record<string, string> = {};
    const at = (secondsAgo: number): string => new Date(clock.now().getTime() - secondsAgo * 1000).toISOString();
    const report = (host: string, secondsAgo: number, extra: Record<string, unknown> = {}) => ({
      host_name: host,
      collected_at: at(secondsAgo),
      cpu_pct: 12.5,
      mem_pct: 40,
      disk_pct: 71.25,
      load_1: 0.5,
      ...extra,
    });

    beforeAll(async () => {
      fixture = await open();
      if (!fixture) return;
      for (const host of ['web-01', 'web-02', 'bad-01', 'busy-01', 'busy-02', 'busy-03', 'busy-04']) {
        keys[host] = generateHostKey();
        await fixture.store.addHost({ hostName: host, keyHash: hashHostKey(keys[host]), description: null, createdAt: clock.now() });
      }
      server = await startServer({ store: fixture.store, config: serverConfig(), log, clock });
    });

    afterAll(async () => {
      if (!fixture) return;
      await server?.close();
      await fixture.cleanup();
    });

    const rows = (host?: string): Promise<number> => fixture!.countRows(host);

    it('stores a valid report once, answers 202, and sets last_seen right after (apart from the sample write)', async ({ skip }) => {
      if (!fixture) return skip();
      const answer = await postReports(server.url, keys['web-01']!, report('web-01', 30));
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ accepted: 1, duplicates: 0 });
      expect(await rows('web-01')).toBe(1);
      // The first report of a quiet spell is written through at once; busy hosts every few seconds.
      await expect
        .poll(async () => (await fixture!.store.findHostByName('web-01'))!.lastSeen?.getTime(), { timeout: 2_000 })
        .toBe(clock.now().getTime());
    });

    it('acknowledges the same report again without a second row', async ({ skip }) => {
      if (!fixture) return skip();
      const answer = await postReports(server.url, keys['web-01']!, report('web-01', 30));
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ accepted: 0, duplicates: 1 });
      expect(await rows('web-01')).toBe(1);
    });

    it('counts new and already stored reports of one {"reports": [...]} body', async ({ skip }) => {
      if (!fixture) return skip();
      const pipeline = {
        host_name: 'web-01',
        collected_at: at(30),
        dataset_name: 'sales.daily',
        partition_key: '2025-03-10',
        files_count: 4,
      };
      const body = { reports: [report('web-01', 30), report('web-01', 20), report('web-01', 20), pipeline] };
      const answer = await postReports(server.url, keys['web-01']!, body);
      expect(answer.status).toBe(202);
      // 30s: stored before; 20s: new, then repeated in the same body; the pipeline report is another dataset: new.
      expect(answer.body).toEqual({ accepted: 2, duplicates: 2 });
      expect(await rows('web-01')).toBe(3);
    });

    it('refuses a missing or unknown key with 401 and WWW-Authenticate', async ({ skip }) => {
      if (!fixture) return skip();
      const before = await rows();
      const unknown = await postReports(server.url, generateHostKey(), report('web-01', 10));
      expect(unknown.status).toBe(401);
      expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(unknown.body.error).toBe('unknown host key');
      const missing = await postReports(server.url, null, report('web-01', 10));
      expect(missing.status).toBe(401);
      expect(missing.body.error).toContain('Authorization');
      expect(await rows()).toBe(before);
    });

    it("refuses a report for another host sent with this host's key (403)", async ({ skip }) => {
      if (!fixture) return skip();
      const answer = await postReports(server.url, keys['web-02']!, report('web-01', 5));
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe("report for host 'web-01' sent with the key of 'web-02'");
      expect(await rows('web-01')).toBe(3);
      expect(await rows('web-02')).toBe(0);
    });

    const badBodies: [string, string, string][] = [
      [
        'a percentage out of range',
        JSON.stringify({ ...report('bad-01', 1), cpu_pct: 101 }),
        'cpu_pct: must be a number from 0 to 100, got 101',
      ],
      ['a number sent as a string', JSON.stringify({ ...report('bad-01', 1), mem_pct: '50' }), 'mem_pct: must be a number'],
      ['an unknown field', JSON.stringify({ ...report('bad-01', 1), cpu_percent: 5 }), 'cpu_percent: unknown field'],
      [
        'a timestamp that is not ISO-8601',
        JSON.stringify(report('bad-01', 1, { collected_at: 'yesterday' })),
        'collected_at: must be an ISO-8601 time with a zone',
      ],
      [
        'a timestamp without a zone',
        JSON.stringify(report('bad-01', 1, { collected_at: at(1).slice(0, 19) })),
        'collected_at: must be an ISO-8601 time with a zone',
      ],
      ['a timestamp an hour in the future', JSON.stringify(report('bad-01', -3600)), 'collected_at: must not be more than 5 minutes ahead'],
      ['truncated JSON', JSON.stringify(report('bad-01', 1)).slice(0, 40), 'body: is not valid JSON'],
      ['an array at the top level', JSON.stringify([report('bad-01', 1)]), 'body: must be a JSON object'],
      ['null', 'null', 'body: must be a JSON object'],
      ['an empty body', '', 'body: is empty'],
      ['SQL injection in host_name', JSON.stringify(report("bad-01'; DROP TABLE incoming_data; --", 1)), 'host_name: may only hold'],
      [
        'SQL injection in dataset_name',
        JSON.stringify(report('bad-01', 1, { dataset_name: "x'); DELETE FROM hosts; --" })),
        'dataset_name: may only hold',
      ],
      [
        'one bad report among good ones',
        JSON.stringify({ reports: [report('bad-01', 3), report('bad-01', 2), report('bad-01', 1, { disk_pct: -1 })] }),
        'reports[2].disk_pct',
      ],
    ];

    it.for(badBodies)('refuses %s with 400 naming the field, writing nothing', async ([, body, message], { skip }) => {
      if (!fixture) return skip();
      const answer = await postReports(server.url, keys['bad-01']!, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(message);
      expect(await rows('bad-01')).toBe(0);
    });

    it('refuses a 3 MB body with 413 and stays healthy', async ({ skip }) => {
      if (!fixture) return skip();
      const huge = JSON.stringify({ reports: Array.from({ length: 25_000 }, (_, i) => report('web-01', 1000 + i)) });
      expect(huge.length).toBeGreaterThan(3_000_000);
      const answer = await postReports(server.url, keys['web-01']!, huge);
      expect(answer.status).toBe(413);
      expect(answer.body.error).toBe('request body larger than 1 MiB');
      expect(await rows('web-01')).toBe(3);

      expect((await get(server.url, '/healthz')).body).toEqual({ status: 'ok', database: 'ok' });
      const after = await postReports(server.url, keys['web-01']!, report('web-01', 15));
      expect(after.status).toBe(202);
      expect(await rows('web-01')).toBe(4);
    });

    it('refuses a body streamed without Content-Length once it passes the limit', async ({ skip }) => {
      if (!fixture) return skip();
      const { socket, received } = await rawConnection(server.url);
      socket.write(
        `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys['web-01']}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      for (let i = 0; i < 6; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
      socket.end('0\r\n\r\n');
      expect(await received).toMatch(/^HTTP\/1\.1 413 /);
    });

    it('writes concurrent requests in fewer commits than requests (group commit)', async ({ skip }) => {
      if (!fixture) return skip();
      const commitsBefore = server.metrics.batchSize.count;
      const answeredBefore = server.metrics.batchRequests.sum;
      const hosts = ['busy-01', 'busy-02', 'busy-03', 'busy-04'];
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => postReports(server.url, keys[hosts[i % 4]!]!, report(hosts[i % 4]!, 100 + i))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(60).fill(202));
      expect(answers.every((a) => a.body.accepted === 1)).toBe(true);
      const commits = server.metrics.batchSize.count - commitsBefore;
      expect(server.metrics.batchRequests.sum - answeredBefore).toBe(60);
      expect(commits).toBeLessThan(60);
      let stored = 0;
      for (const host of hosts) stored += await rows(host);
      expect(stored).toBe(60);
    });

    it('serves Prometheus metrics with request counts, batch histograms and host gauges', async ({ skip }) => {
      if (!fixture) return skip();
      const answer = await get(server.url, '/metrics');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const values = parseMetrics(answer.text);
      expect(values.get('monitor_http_requests_total{status="202"}')).toBeGreaterThanOrEqual(64);
      expect(values.get('monitor_http_requests_total{status="400"}')).toBe(badBodies.length);
      expect(values.get('monitor_http_requests_total{status="401"}')).toBe(2);
      expect(values.get('monitor_http_requests_total{status="413"}')).toBe(2);
      expect(values.get('monitor_batch_size_count')).toBe(server.metrics.batchSize.count);
      expect(values.get('monitor_batch_size_bucket{le="+Inf"}')).toBe(server.metrics.batchSize.count);
      expect(values.get('monitor_write_seconds_count')).toBeGreaterThan(0);
      expect(values.get('monitor_database_up')).toBe(1);
      expect(values.get('monitor_host_disk_pct{host="web-01"}')).toBe(71.25);
      expect(values.get('monitor_host_last_seen_seconds{host="web-01"}')).toBe(clock.now().getTime() / 1000);
      expect(values.has('monitor_host_cpu_pct{host="web-02"}')).toBe(false);
    });

    it('answers unknown paths with 404, wrong methods with 405 and non-JSON bodies with 415', async ({ skip }) => {
      if (!fixture) return skip();
      const unknown = await get(server.url, '/api/v1/nothing');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('no such endpoint: /api/v1/nothing');
      const wrongMethod = await get(server.url, '/api/v1/reports');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      expect(wrongMethod.body.error).toBe('/api/v1/reports accepts POST');
      const xml = await postReports(server.url, keys['web-01']!, '<report/>', 'application/xml');
      expect(xml.status).toBe(415);
      expect(xml.body.error).toBe('Content-Type must be application/json, got "application/xml"');
      const gzip = await fetch(`${server.url}/api/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys['web-01']}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(report('web-01', 13))),
      });
      expect(gzip.status).toBe(415);
      expect(((await gzip.json()) as { error: string }).error).toBe('Content-Encoding "gzip" is not supported; send plain JSON');
      // curl -d sends this label; DESIGN.md promises that curl one-liner works.
      const curlStyle = await postReports(server.url, keys['web-01']!, report('web-01', 14), 'application/x-www-form-urlencoded');
      expect(curlStyle.status).toBe(202);
    });

    it('logs start but no line per request', ({ skip }) => {
      if (!fixture) return skip();
      expect(log.lines.filter((line) => line.level !== 'debug').map((line) => line.message)).toEqual(['monitor serve listening']);
    });

    it('finishes a request in flight on close: it gets 202 and its row exists', async ({ skip }) => {
      if (!fixture) return skip();
      const body = JSON.stringify(report('web-02', 3));
      const { socket, received } = await rawConnection(server.url);
      socket.write(
        `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys['web-02']}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      while (server.activeRequests === 0) await new Promise((resolve) => setImmediate(resolve));
      const closing = server.close();
      // No new connections once closing has begun.
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      socket.write(body.slice(10));
      const response = await received;
      expect(response).toMatch(/^HTTP\/1\.1 202 /);
      expect(response).toMatch(/connection: close/i);
      await closing;
      expect(await rows('web-02')).toBe(1);
      expect(log.lines.at(-1)!.message).toBe('monitor serve stopped');
    });
  });
}
