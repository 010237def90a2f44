// The web app's HTTP server: Next.js behind a plain node:http server, so that every request carries
// the TCP peer's address. Next exposes no socket to route handlers or server actions, and the
// X-Forwarded-For that `next start` fills in is kept as sent when the client already set one, so a
// caller could pick its own address. Here the header below is always overwritten with the socket's
// remote address before Next sees the request; sign-in throttling reads it (src/server/auth.ts),
// and only when AW_SOCKET_ADDRESS_HEADER is set in this process, so a plain `next start` (where a
// client could send the header itself) falls back to "unknown".
//
// Alert webhooks (`POST /api/v1/alerts`, `/api/v1/webhooks/<format>`) take a lean path: see below.
//
// Usage (the launcher runs it): node server.mjs start|dev -p <port> -H <host> [--keepAliveTimeout ms]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import next from 'next';
import { createHttpServer } from './http-server.mjs';
import { createServerLogger, logRequest } from './request-log.mjs';

export const SOCKET_ADDRESS_HEADER = 'x-aw-socket-address';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const dev = process.argv[2] === 'dev';
const port = Number(arg('-p', process.env.PORT ?? '3000'));
const hostname = arg('-H', process.env.HOST ?? '127.0.0.1');
const keepAlive = Number(arg('--keepAliveTimeout', '0'));
process.env.AW_SOCKET_ADDRESS_HEADER = SOCKET_ADDRESS_HEADER;

const dir = path.dirname(new URL(import.meta.url).pathname);
// In the standalone tree (the container image; Next generates a server.js there) Next must not
// load next.config.ts again: it reads the build's resolved config from this variable, as its own
// generated standalone server.js does.
const serverFiles = path.join(dir, '.next', 'required-server-files.json');
if (!dev && existsSync(path.join(dir, 'server.js')) && existsSync(serverFiles)) {
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(
    JSON.parse(readFileSync(serverFiles, 'utf8')).config,
  );
}

// Header and body timeouts against slow-loris senders: see http-server.mjs.
const server = createHttpServer({ keepAliveTimeout: keepAlive });
const app = next({
  dev,
  dir,
  hostname,
  port,
  httpServer: server,
});
await app.prepare();
const handle = app.getRequestHandler();

// src/server/node-intake.ts registers the ingestion handler here once the pipeline starts: alert
// webhooks are then answered on node:http directly, the rest goes to Next.js.
const NODE_INTAKE = Symbol.for('alert-whisperer.node-intake');

const logger = createServerLogger();
server.on('request', (req, res) => {
  logRequest(logger, req, res);
  const intake = globalThis[NODE_INTAKE];
  if (intake && intake(req, res)) return;
  req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`✓ Ready on http://${hostname}:${port}`);
});

let closing = false;
function stop() {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Long-lived streams (SSE) would hold close() open: end them after a grace period.
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 3_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
