import 'server-only';
import type http from 'node:http';
import { handleNodeIngest, nodeIngestFormat, type IngestRuntime } from '@aw/ingest';

/**
 * The lean intake path. apps/web/server.mjs (plain node:http in front of Next.js on the same port)
 * cannot import the workspace's TypeScript, so once this process's root starts (web roles) it publishes the
 * ingestion handler under a process-wide symbol; server.mjs answers `POST /api/v1/alerts` and
 * `/api/v1/webhooks/<format>` with it directly, without building web Request/Response objects or
 * routing through Next.js. Until it is registered (or under `next dev`), the route handlers in
 * src/app/api/v1 answer the same URLs with the same handler.
 */
export const NODE_INTAKE = Symbol.for('alert-whisperer.node-intake');

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

export type NodeIntake = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export function registerNodeIntake(ingest: () => IngestRuntime): void {
  const intake: NodeIntake = (req, res) => {
    if (req.method !== 'POST') return false;
    const format = nodeIngestFormat(req);
    if (!format) return false;
    // The headers next.config.ts gives every answer of the app.
    for (const [k, v] of Object.entries(API_HEADERS)) res.setHeader(k, v);
    void handleNodeIngest(req, res, ingest(), format);
    return true;
  };
  (globalThis as Record<symbol, unknown>)[NODE_INTAKE] = intake;
}
