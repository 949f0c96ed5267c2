// A real HTTP ingest endpoint on a local port, with the behaviour the agent relies on from
// `monitor serve`: bearer key per host, `{"reports": [...]}` bodies, 202 with counts, a re-sent
// report (same host, collected_at and dataset) stored once, `{"error": ...}` on refusal.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { WireReport } from '../../../src/reports/report.js';

export interface IngestServer {
  url: string;
  /** Stored reports, once each, in the order they were committed. */
  stored: WireReport[];
  /** Every request that reached the handler: how many reports it carried. */
  requests: number[];
  /** Answer the next requests with this instead (status, JSON body); null for normal service. */
  override: { status: number; body: unknown } | null;
  /** Called after a request's reports are stored, before the answer: hold it to simulate a slow ack. */
  afterStore: (() => Promise<void>) | null;
  close(): Promise<void>;
}

export async function startIngestServer(keys: Record<string, string>, port = 0): Promise<IngestServer> {
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  const state: IngestServer = {
    url: '',
    stored: [],
    requests: [],
    override: null,
    afterStore: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/api/v1/reports') return reply(404, { error: 'not found' });
    let body: { reports?: WireReport[] } & Partial<WireReport>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    const reports = Array.isArray(body.reports) ? body.reports : [body as WireReport];
    state.requests.push(reports.length);
    if (state.override) return reply(state.override.status, state.override.body);
    const host = keys[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!host) return reply(401, { error: 'unknown host key' });
    for (const report of reports) {
      if (report.host_name !== host) return reply(403, { error: `this key belongs to host '${host}'` });
      if (typeof report.cpu_pct === 'number' && (report.cpu_pct < 0 || report.cpu_pct > 100)) {
        return reply(400, { error: 'cpu_pct must be between 0 and 100' });
      }
    }
    let accepted = 0;
    for (const report of reports) {
      const key = `${report.host_name}|${report.collected_at}|${report.dataset_name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      state.stored.push(report);
      accepted += 1;
    }
    if (state.afterStore) await state.afterStore();
    reply(202, { accepted, duplicates: reports.length - accepted });
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export { closedPortUrl } from '../../support/network.js';
