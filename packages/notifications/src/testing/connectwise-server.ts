// A loopback ConnectWise Manage speaking its REST shapes for tickets and notes: API member keys
// in Basic auth plus the clientId header, JSON bodies, JSON Patch updates, `conditions` queries.
// Anything malformed is refused the way ConnectWise refuses it (400 with code/message/errors).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CwState {
  url: string;
  tickets: Map<
    number,
    {
      id: number;
      summary: string;
      board: string;
      company: string;
      status: string;
      closedFlag: boolean;
      priority?: number;
      initialDescription: string;
      notes: string[];
    }
  >;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startConnectWise(
  creds: { companyId: string; publicKey: string; privateKey: string; clientId: string },
  closedStatuses = ['Closed (resolved)'],
) {
  const expectedAuth = `Basic ${Buffer.from(`${creds.companyId}+${creds.publicKey}:${creds.privateKey}`).toString('base64')}`;
  const state: CwState = { url: '', tickets: new Map(), requests: [], close: async () => {} };
  let next = 1000;
  const send = (res: http.ServerResponse, status: number, body: unknown) =>
    res
      .writeHead(status, { 'Content-Type': 'application/json' })
      .end(body === undefined ? '' : JSON.stringify(body));
  const invalid = (res: http.ServerResponse, field: string, message: string) =>
    send(res, 400, {
      code: 'InvalidObject',
      message: 'ticket object is invalid',
      errors: [{ code: 'Required', message, resource: 'ticket', field }],
    });
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/^\/v4_6_release\/apis\/3\.0/, '');
      state.requests.push({ method: req.method!, path });
      if (req.headers.authorization !== expectedAuth)
        return send(res, 401, { code: 'Unauthorized', message: 'Authentication failed' });
      if (req.headers.clientid !== creds.clientId)
        return send(res, 401, { code: 'Unauthorized', message: 'clientId missing or unknown' });
      let body: unknown;
      if (req.method === 'POST' || req.method === 'PATCH') {
        if (!String(req.headers['content-type']).startsWith('application/json'))
          return send(res, 415, { code: 'UnsupportedMediaType' });
        try {
          body = JSON.parse(raw);
        } catch {
          return send(res, 400, { code: 'InvalidObject', message: 'malformed JSON' });
        }
      }
      const b = body as Record<string, Record<string, unknown> | string | undefined>;
      const m = /^\/service\/tickets(?:\/(\d+))?(\/notes)?$/.exec(path);
      if (!m) return send(res, 404, { code: 'NotFound', message: path });
      const t = m[1] ? state.tickets.get(Number(m[1])) : undefined;
      if (m[1] && !t) return send(res, 404, { code: 'NotFound', message: `ticket ${m[1]}` });
      if (req.method === 'POST' && !m[1]) {
        if (typeof b.summary !== 'string' || !b.summary)
          return invalid(res, 'summary', 'summary is required');
        if (b.summary.length > 100) return invalid(res, 'summary', 'summary may not exceed 100 characters');
        const board = (b.board as { name?: string } | undefined)?.name;
        const company = (b.company as { identifier?: string } | undefined)?.identifier;
        if (!board) return invalid(res, 'board', 'board is required');
        if (!company) return invalid(res, 'company', 'company is required');
        const id = next++;
        const priority = (b.priority as { id?: number } | undefined)?.id;
        state.tickets.set(id, {
          id,
          summary: b.summary,
          board,
          company,
          status: (b.status as { name?: string })?.name ?? 'New',
          closedFlag: false,
          priority,
          initialDescription: String(b.initialDescription ?? ''),
          notes: [],
        });
        return send(res, 201, {
          id,
          summary: b.summary,
          board: { name: board },
          company: { identifier: company },
          status: { name: state.tickets.get(id)!.status },
          closedFlag: false,
        });
      }
      if (req.method === 'POST' && m[2]) {
        if (typeof b.text !== 'string' || !b.text) return invalid(res, 'text', 'text is required');
        if (!b.detailDescriptionFlag && !b.internalAnalysisFlag && !b.resolutionFlag)
          return invalid(res, 'detailDescriptionFlag', 'one of the note flags is required');
        t!.notes.push(b.text);
        return send(res, 201, { id: t!.notes.length, ticketId: t!.id, text: b.text });
      }
      if (req.method === 'PATCH' && t) {
        if (!Array.isArray(body))
          return send(res, 400, { code: 'InvalidObject', message: 'expected a JSON Patch array' });
        for (const op of body as { op?: string; path?: string; value?: { name?: string } }[]) {
          if (op.op !== 'replace' || op.path !== 'status' || !op.value?.name)
            return send(res, 400, {
              code: 'InvalidObject',
              message: `unsupported patch ${JSON.stringify(op)}`,
            });
          t.status = op.value.name;
          t.closedFlag = closedStatuses.includes(op.value.name);
        }
        return send(res, 200, { id: t.id, status: { name: t.status }, closedFlag: t.closedFlag });
      }
      if (req.method === 'GET' && t)
        return send(res, 200, {
          id: t.id,
          summary: t.summary,
          status: { name: t.status },
          closedFlag: t.closedFlag,
        });
      if (req.method === 'GET' && !m[1]) {
        const c = url.searchParams.get('conditions') ?? '';
        const cm = /^closedFlag=true AND id in \(([\d,]+)\)$/.exec(c);
        if (!cm) return send(res, 400, { code: 'InvalidObject', message: `conditions not understood: ${c}` });
        const ids = new Set(cm[1]!.split(',').map(Number));
        return send(
          res,
          200,
          [...state.tickets.values()]
            .filter((x) => x.closedFlag && ids.has(x.id))
            .map((x) => ({ id: x.id, status: { name: x.status }, closedFlag: true })),
        );
      }
      return send(res, 405, { code: 'MethodNotAllowed' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4_6_release/apis/3.0`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
