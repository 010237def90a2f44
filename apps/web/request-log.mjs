// Structured request logs for server.mjs: one JSON line per request (pino), each with a request id
// that is also handed to Next (X-Request-Id request header) and returned to the caller. Plain
// JavaScript because server.mjs runs under plain Node in the container image.
import { randomUUID } from 'node:crypto';
import pino from 'pino';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-Id when it is a plain token (a proxy's id), else a fresh one. */
export function requestIdOf(header) {
  const v = Array.isArray(header) ? header[0] : header;
  return typeof v === 'string' && REQUEST_ID.test(v) ? v : randomUUID();
}

export function createServerLogger(destination) {
  return pino(
    {
      name: 'web',
      level: process.env.LOG_LEVEL ?? 'info',
      base: { pid: process.pid, role: process.env.PROCESS_ROLE ?? 'all' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * Call at the start of every request: sets the id on the request and the response, logs the outcome
 * when the response ends. Only the path is logged: query strings may carry credentials (PagerDuty
 * routing keys). Static assets are logged at debug.
 */
export function logRequest(logger, req, res) {
  const started = process.hrtime.bigint();
  const reqId = requestIdOf(req.headers['x-request-id']);
  req.headers['x-request-id'] = reqId;
  res.setHeader('x-request-id', reqId);
  const path = (req.url ?? '/').split('?')[0];
  const level = path.startsWith('/_next/static/') ? 'debug' : 'info';
  let done = false;
  const finish = (aborted) => {
    if (done) return;
    done = true;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger[level](
      {
        reqId,
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        ...(aborted ? { aborted: true } : {}),
      },
      'request',
    );
  };
  res.on('finish', () => finish(false));
  res.on('close', () => finish(!res.writableFinished));
  return reqId;
}
