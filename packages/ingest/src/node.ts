// The ingestion endpoints on plain node:http: no web Request/Response per call. The standalone
// intake server (server.ts) and the app's own server (apps/web/server.mjs, in front of Next.js on
// the same port) both answer with this, so the URL users paste into their senders is the lean path.
import type http from 'node:http';
import { formatForPath, ingestReply, type Format, type IngestRuntime } from './handler.ts';

/**
 * Reads a node:http body into memory, at most `limit + 1` bytes: enough for the handler to answer
 * 413 (after authentication) without buffering an oversized body; past the limit the request is
 * destroyed. The handler calls it only after the credentials are checked; an unread body is
 * discarded by node:http after the answer. Plain 'data'/'end' listeners: an async iterator per
 * request cost more than the read itself.
 */
export function readNodeBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const whole = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    function onData(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        done();
        resolve(whole().subarray(0, limit + 1));
        req.destroy();
      }
    }
    function onEnd() {
      done();
      resolve(whole());
    }
    function onError(e: Error) {
      done();
      reject(e);
    }
    function onClose() {
      done();
      reject(new Error('request closed before its body was read'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The ingestion format served at this request's path, or null when it is not an ingestion URL. */
export function nodeIngestFormat(req: http.IncomingMessage): Format | null {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const f = formatForPath(q >= 0 ? url.slice(0, q) : url);
  return f === null || f === 'unknown' ? null : f;
}

/** Answers one ingestion request on node:http; never rejects (a fault answers 503 + Retry-After). */
export async function handleNodeIngest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rt: IngestRuntime,
  format?: Format,
): Promise<void> {
  try {
    const headers = req.headers;
    const reply = await ingestReply(
      {
        method: req.method ?? 'GET',
        url: `http://${headers.host ?? 'localhost'}${req.url ?? '/'}`,
        headers: {
          get(name: string) {
            const v = headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          },
        },
        // Read only once the handler has checked the credentials: a bad key costs no body read.
        readRawBody: () => readNodeBody(req, rt.bodyLimitBytes),
      },
      rt,
      format,
    );
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  } catch (e) {
    rt.logger.error('server error', { error: (e as Error).message });
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end('{"error":{"code":"UNAVAILABLE","message":"retry"}}');
  }
}
