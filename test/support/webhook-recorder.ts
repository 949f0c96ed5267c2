// A real webhook endpoint on loopback for `monitor check` runs in other processes: it answers each
// POST after `delayMs` (a slow channel, so a test can kill -9 a run in the middle of its deliveries)
// and records a notification as received only when its 2xx answer went out to a client that was
// still connected — the channel's acceptance. A request whose sender died while it waited is kept
// apart (`abandoned`): the sender never learnt it was accepted.

import { createServer } from 'node:http';
import { listenOnLoopback } from './network.js';

export interface WebhookRecorder {
  url: string;
  /** Accepted notification payloads, in order of acceptance. */
  received: Record<string, unknown>[];
  /** Payloads whose sender was gone before the answer. */
  abandoned: Record<string, unknown>[];
  /** Requests that arrived and are waiting for their answer. */
  readonly inFlight: number;
  /** Resolves when a request has arrived (now or later) and is waiting. */
  requestArrived(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookRecorder(options: { delayMs?: number } = {}): Promise<WebhookRecorder> {
  const received: Record<string, unknown>[] = [];
  const abandoned: Record<string, unknown>[] = [];
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      inFlight += 1;
      for (const wake of waiters) wake();
      waiters = [];
      setTimeout(() => {
        inFlight -= 1;
        if (req.socket.destroyed) {
          abandoned.push(payload);
          return;
        }
        received.push(payload);
        res.writeHead(204);
        res.end();
      }, options.delayMs ?? 0);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    abandoned,
    get inFlight() {
      return inFlight;
    },
    requestArrived: () => (inFlight > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
