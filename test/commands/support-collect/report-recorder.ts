// An HTTP hop between `monitor collect` and `monitor serve` (or in place of a server) that records
// every request the agent makes, in order, and can hold one at either side of the server's commit:
// - 'request': the request is read and never forwarded — the server never sees it;
// - 'answer':  the request is forwarded, the server commits and answers, and that answer is kept
//              from the agent — the server has the reports, the agent has no acknowledgement.
// A held exchange never completes; the test kills the agent meanwhile. Without a target it answers
// 202 itself, like a bare ingest server that stores nothing.

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { WireReport } from '../../../src/reports/report.js';
import { listenOnLoopback } from '../../support/network.js';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  /** The body's reports (one report or {"reports": [...]}), as sent. */
  reports: WireReport[];
  /** What the server answered (the agent may not have received it), null while held before it. */
  status: number | null;
}

export type HoldMode = 'request' | 'answer';

export interface ReportRecorder {
  url: string;
  requests: RecordedRequest[];
  /** Holds the next request as described above; resolves once it is held. */
  holdNext(mode: HoldMode): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export async function startReportRecorder(target: string | null): Promise<ReportRecorder> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let pendingHold: { mode: HoldMode; held: (request: RecordedRequest) => void } | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization ?? null,
      reports: parseReports(body),
      status: null,
    };
    requests.push(recorded);
    const hold = pendingHold;
    pendingHold = null;
    if (hold?.mode === 'request') {
      hold.held(recorded);
      return; // never answered
    }
    if (target === null) {
      recorded.status = 202;
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: recorded.reports.length, duplicates: 0 }));
      return;
    }
    const answer = await forward(target, req, body);
    recorded.status = answer.status;
    if (hold?.mode === 'answer') {
      hold.held(recorded);
      return; // committed upstream, never acknowledged downstream
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `recorder: ${error instanceof Error ? error.message : String(error)}` }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    holdNext(mode) {
      return new Promise<RecordedRequest>((held) => {
        pendingHold = { mode, held };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 502,
          headers: { 'content-type': response.headers['content-type'] ?? 'application/json' },
          body: Buffer.concat(chunks),
        }),
      );
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function parseReports(body: Buffer): WireReport[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { reports?: unknown } | null;
    if (parsed && Array.isArray(parsed.reports)) return parsed.reports as WireReport[];
    return parsed ? [parsed as WireReport] : [];
  } catch {
    return [];
  }
}
