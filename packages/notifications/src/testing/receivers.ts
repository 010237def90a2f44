// Loopback receivers that speak like the real services and refuse malformed payloads: each
// records what it accepted, so tests assert on what actually went over the wire.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: Record<string, unknown>;
}

type Check = (body: Record<string, unknown>, req: http.IncomingMessage) => string | null;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Adaptive Card 1.x as Teams Workflows accepts it inside a message attachment. */
export const teamsCheck: Check = (b) => {
  if (b.type !== 'message' || !Array.isArray(b.attachments) || b.attachments.length !== 1)
    return 'not a message with one attachment';
  const a = b.attachments[0] as Record<string, unknown>;
  if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return 'contentType';
  const c = a.content as Record<string, unknown>;
  if (!isObj(c) || c.type !== 'AdaptiveCard' || !/^1\.[0-6]$/.test(String(c.version)))
    return 'not an AdaptiveCard 1.x';
  if (c.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') return '$schema';
  if (!Array.isArray(c.body) || !c.body.length) return 'empty body';
  for (const el of c.body as Record<string, unknown>[]) {
    if (el.type === 'TextBlock' && typeof el.text !== 'string') return 'TextBlock.text';
    if (
      el.type === 'FactSet' &&
      !(el.facts as { title: unknown; value: unknown }[]).every(
        (f) => typeof f.title === 'string' && typeof f.value === 'string',
      )
    )
      return 'FactSet.facts';
    if (!['TextBlock', 'FactSet', 'Container', 'ColumnSet'].includes(String(el.type)))
      return `element ${String(el.type)}`;
  }
  for (const act of (c.actions ?? []) as Record<string, unknown>[])
    if (act.type !== 'Action.OpenUrl' || typeof act.url !== 'string' || typeof act.title !== 'string')
      return 'action';
  return null;
};

/** Block Kit as a Slack incoming webhook accepts it. */
export const slackCheck: Check = (b) => {
  if (typeof b.text !== 'string' && !Array.isArray(b.blocks)) return 'no_text';
  const blocks = (b.blocks ?? []) as Record<string, unknown>[];
  if (blocks.length > 50) return 'invalid_blocks';
  const ids = new Set<string>();
  for (const bl of blocks) {
    const t = bl.text as Record<string, unknown> | undefined;
    switch (bl.type) {
      case 'header':
        if (t?.type !== 'plain_text' || String(t.text).length > 150) return 'invalid_blocks: header';
        break;
      case 'section':
        if (t && (!['mrkdwn', 'plain_text'].includes(String(t.type)) || String(t.text).length > 3000))
          return 'invalid_blocks: section';
        if (bl.fields && (bl.fields as unknown[]).length > 10) return 'invalid_blocks: fields';
        break;
      case 'actions':
        for (const e of bl.elements as Record<string, unknown>[]) {
          if (e.type !== 'button' || (e.text as Record<string, unknown>).type !== 'plain_text')
            return 'invalid_blocks: button';
          if (ids.has(String(e.action_id))) return 'invalid_blocks: duplicate action_id';
          ids.add(String(e.action_id));
        }
        break;
      case 'context':
        break;
      default:
        return `invalid_blocks: ${String(bl.type)}`;
    }
  }
  return null;
};

/** PagerDuty Events API v2 (/v2/enqueue). */
export const pagerDutyCheck: Check = (b) => {
  if (typeof b.routing_key !== 'string' || b.routing_key.length !== 32) return 'routing_key';
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(b.event_action))) return 'event_action';
  if (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255) return 'dedup_key';
  if (b.event_action === 'trigger') {
    const p = b.payload as Record<string, unknown>;
    if (!isObj(p) || typeof p.summary !== 'string' || p.summary.length > 1024) return 'payload.summary';
    if (typeof p.source !== 'string' || !p.source) return 'payload.source';
    if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity))) return 'payload.severity';
  }
  return null;
};

export interface Receiver {
  url: string;
  received: Received[];
  /** Next responses to give (status), then 2xx. */
  failNext: number[];
  /** Delay before answering (ms). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(
  check: Check | null,
  ok: { status: number; body: (b: Record<string, unknown>) => string },
): Promise<Receiver> {
  const state: Receiver = { url: '', received: [], failNext: [], delayMs: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      void (async () => {
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          res.writeHead(400).end('invalid json');
          return;
        }
        if (req.headers['content-type'] !== 'application/json') {
          res.writeHead(415).end('content-type');
          return;
        }
        const problem = check?.(json, req);
        if (problem) {
          res.writeHead(400).end(problem);
          return;
        }
        const fail = state.failNext.shift();
        if (fail) {
          res.writeHead(fail).end('try again');
          return;
        }
        state.received.push({ path: req.url ?? '/', headers: req.headers, raw, json });
        res.writeHead(ok.status, { 'Content-Type': 'application/json' }).end(ok.body(json));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
