// The dashboard's form posts get the ingest API's body limits, over raw sockets on a real SQLite
// store: a stalled form is a 408 at server.request_timeout (not node's own cut-off seconds later), a
// form over the size limit is a 413 — at once when its Content-Length says so — and both close the
// connection, since the rest of the body was never read.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { rawConnection } from '../server/http-client.js';
import { serverConfig, type IngestFixture } from '../server/ingest-scenario.js';
import { sqliteFixture } from '../server/sqlite-fixture.js';
import { memoryLog } from '../support/memory-log.js';

const REQUEST_TIMEOUT_MS = 400;
let fixture: IngestFixture;
let server: RunningServer;

beforeAll(async () => {
  fixture = await sqliteFixture();
  server = await startServer({ store: fixture.store, config: serverConfig({ requestTimeoutMs: REQUEST_TIMEOUT_MS }), log: memoryLog() });
});
afterAll(async () => {
  await server.close();
  await fixture.cleanup();
});

/** The one answer the server sent before closing: its status line and headers. */
function onlyAnswerHead(response: string): string {
  expect(response.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
  return response.split('\r\n\r\n', 1)[0]!;
}

const formHead = (path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;

describe('dashboard form bodies', () => {
  it('answers 408 and closes the connection when a form stops arriving', async () => {
    const { socket, received } = await rawConnection(server.url);
    const started = Date.now();
    socket.write(`${formHead('/login', 100)}user=alice&pass`);
    const response = await received;
    const elapsed = Date.now() - started;
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(onlyAnswerHead(response)).toMatch(/^connection: close$/im);
    expect(response).toContain('request body not received within 0.4s');
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    // node's own request timeout (request_timeout + 2 s) would answer a bare 408 later than this.
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
  });

  it('answers 413 at once, before reading a byte, when the declared length is over the limit, and closes', async () => {
    const { socket, received } = await rawConnection(server.url);
    const started = Date.now();
    socket.write(formHead('/alerts/1/ack', 100_000));
    const response = await received;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(onlyAnswerHead(response)).toMatch(/^connection: close$/im);
    expect(response).toContain('request body larger than 8 KiB');
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it('answers 413 and closes when a form without a length streams past the limit', async () => {
    const { socket, received } = await rawConnection(server.url);
    socket.write(
      'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = 'a'.repeat(4096);
    for (let i = 0; i < 3; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const response = await received;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(onlyAnswerHead(response)).toMatch(/^connection: close$/im);
    expect(response).toContain('request body larger than 8 KiB');
  });
});
