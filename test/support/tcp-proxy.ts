// A TCP proxy a test controls, put between a program and a real server (e.g. serve and MariaDB) to
// cut the connection without touching the server itself: cut() destroys every open connection and
// refuses new ones (the port is closed: ECONNREFUSED); restore() accepts again on the same port;
// stall() makes the open connections go silent without closing them (a frozen server or a black-
// holed route), while new connections still go through.

import { createServer, createConnection, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly openConnections: number;
  /** Connections accepted since start. */
  readonly acceptedConnections: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  stall(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, listenHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let server: Server | null = null;
  let port = 0;

  const onConnection = (client: Socket): void => {
    accepted++;
    const upstream = createConnection({ host: target.host, port: target.port });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const teardown = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = async (): Promise<void> => {
    const next = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, listenHost, () => {
        next.off('error', reject);
        resolve();
      });
    });
    port = (next.address() as { port: number }).port;
    server = next;
  };

  const stopListening = async (): Promise<void> => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  const destroyAll = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  await listen();

  return {
    host: listenHost,
    get port() {
      return port;
    },
    get openConnections() {
      return pairs.size;
    },
    get acceptedConnections() {
      return accepted;
    },
    async cut() {
      const closing = stopListening();
      destroyAll();
      await closing;
    },
    async restore() {
      if (!server) await listen();
    },
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      const closing = stopListening();
      destroyAll();
      await closing;
    },
  };
}
