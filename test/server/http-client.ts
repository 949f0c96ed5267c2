// Small HTTP helpers for the server tests: JSON posts with fetch, and raw sockets for what fetch
// cannot do (stall halfway through a body, send a broken one).

import { connect, type Socket } from 'node:net';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function postReports(url: string, key: string | null, body: unknown, contentType = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${url}/api/v1/reports`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answer(response);
}

export async function get(url: string, path: string): Promise<Answer> {
  return answer(await fetch(`${url}${path}`));
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // /metrics is text; leave body empty.
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A raw connection: write what you like, read everything the server sends until it closes. */
export function rawConnection(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      const received = new Promise<string>((done) => socket.on('close', () => done(data)));
      resolve({ socket, received });
    });
    socket.once('error', reject);
  });
}

/** Parses Prometheus text into `name{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}
