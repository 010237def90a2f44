// The node:http server in front of Next (see server.mjs), with the timeouts that stop a slow-loris
// sender from holding a connection open: the request headers must arrive within `headersTimeout`
// and the whole request (headers and body) within `requestTimeout`; past either, Node answers 408
// and closes the socket. Responses are not limited (live-update streams stay open for hours).
// Overridable by environment for a deployment behind a slow link: AW_HEADERS_TIMEOUT_MS,
// AW_REQUEST_TIMEOUT_MS. Tested over a raw socket in src/server/http-server.test.ts.
import http from 'node:http';

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

function fromEnv(name, fallback) {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * @param {{ headersTimeout?: number, requestTimeout?: number, keepAliveTimeout?: number }} [opts]
 * @returns {http.Server}
 */
export function createHttpServer(opts = {}) {
  const headersTimeout = opts.headersTimeout ?? fromEnv('AW_HEADERS_TIMEOUT_MS', HEADERS_TIMEOUT_MS);
  const requestTimeout = Math.max(
    headersTimeout,
    opts.requestTimeout ?? fromEnv('AW_REQUEST_TIMEOUT_MS', REQUEST_TIMEOUT_MS),
  );
  const server = http.createServer({
    headersTimeout,
    requestTimeout,
    // How often Node checks for expired requests (its default, 30 s, would let a slow sender in
    // for up to 30 s past the limit).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  });
  if (opts.keepAliveTimeout && opts.keepAliveTimeout > 0) server.keepAliveTimeout = opts.keepAliveTimeout;
  return server;
}
