// One server under test for test/bench/ingest.mjs, in its own process:
//   node test/bench/ingest-server.mjs bare
//   node test/bench/ingest-server.mjs serve <database url>
// Prints one JSON line {"port": N} when listening; SIGTERM closes it (serve: gracefully, every
// acknowledged report committed) and exits 0.

import { createServer } from 'node:http';
import { databaseConfig } from './database-config.mjs';

const [mode, databaseUrl] = process.argv.slice(2);
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return { user: user / 1e6, system: system / 1e6 };
};

if (mode === 'bare') {
  // The yardstick: node:http that reads the body and parses the JSON, nothing else.
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let status = 202;
      let body = '{"accepted":1,"duplicates":0}';
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        status = 400;
        body = '{"error":"body: is not valid JSON"}';
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.on('SIGTERM', () => {
    console.log(JSON.stringify({ cpuSeconds: cpuSeconds() }));
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
} else if (mode === 'serve') {
  const { openStore } = await import('../../dist/store/open-store.js');
  const { startServer } = await import('../../dist/server/app.js');
  const store = await openStore(databaseConfig(databaseUrl, { poolSize: 8, connectTimeoutMs: 5000 }));
  const quiet = () => {};
  const log = {
    debug: quiet,
    info: quiet,
    warn: (message, fields) => console.error(JSON.stringify({ level: 'warn', message, ...fields })),
    error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
  };
  const server = await startServer({
    store,
    log,
    config: {
      listen: { host: '127.0.0.1', port: 0 },
      url: null,
      maxBodyBytes: 1024 * 1024,
      requestTimeoutMs: 10_000,
      tls: null,
      metricsToken: null,
      metricsListen: null,
    },
  });
  process.on('SIGTERM', async () => {
    await server.close();
    const m = server.metrics;
    console.log(
      JSON.stringify({
        commits: m.batchSize.count,
        rows: m.batchSize.sum,
        writeSecondsAvg: m.batchSize.count ? m.writeSeconds.sum / m.writeSeconds.count : 0,
        cpuSeconds: cpuSeconds(),
      }),
    );
    await store.close();
    process.exit(0);
  });
  console.log(JSON.stringify({ port: server.port }));
} else {
  console.error('usage: ingest-server.mjs bare | serve <database url>');
  process.exit(2);
}
