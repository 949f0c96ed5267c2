// Counts the statements one process sends to MySQL/MariaDB, exactly, whatever else the server is
// doing: a TCP proxy that reads the client's side of the MySQL protocol. Every command a client sends
// (COM_QUERY, COM_STMT_EXECUTE, COM_PING, COM_QUIT…) starts a new packet sequence, so it is the
// packet with sequence id 0; the handshake reply (sequence 1) and the continuation packets of a
// statement over 16 MB are not commands. No TLS and no compression (mysql2's defaults).
//
// The server's global 'Questions' counter says the same when nothing else uses the server; on a
// shared machine other clients' statements land in it too, which is why this proxy exists.

import { createConnection, createServer } from 'node:net';

const COMMANDS = {
  0x01: 'quit',
  0x03: 'query',
  0x0e: 'ping',
  0x16: 'prepare',
  0x17: 'execute',
  0x19: 'close_stmt',
  0x11: 'change_user',
  0x1f: 'reset',
};

export async function startStatementCounter(target) {
  const counts = new Map();
  const queries = [];
  let keepText = false;
  const sockets = new Set();

  const server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    client.on('data', (chunk) => {
      buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
      // Walk whole packets; a partial one waits for the next chunk.
      let at = 0;
      while (buffer.length - at >= 4) {
        const length = buffer.readUIntLE(at, 3);
        if (buffer.length - at < 4 + length) break;
        const sequence = buffer[at + 3];
        if (sequence === 0 && length > 0) {
          const name = COMMANDS[buffer[at + 4]] ?? `0x${buffer[at + 4].toString(16)}`;
          counts.set(name, (counts.get(name) ?? 0) + 1);
          if (keepText && name === 'query') queries.push(buffer.toString('utf8', at + 5, at + 4 + Math.min(length, 120)));
        }
        at += 4 + length;
      }
      buffer = buffer.subarray(at);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: server.address().port,
    /** Forgets what was counted so far; with `text`, also keeps the start of each query. */
    reset({ text = false } = {}) {
      counts.clear();
      queries.length = 0;
      keepText = text;
    },
    /** Statements (queries and prepared executions) since the last reset. */
    get statements() {
      return (counts.get('query') ?? 0) + (counts.get('execute') ?? 0);
    },
    get counts() {
      return Object.fromEntries(counts);
    },
    get queries() {
      return [...queries];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
