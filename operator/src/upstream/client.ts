// Requests to the Alert Whisperer app, always signed the way docs/API_REFERENCE.md describes:
//   X-Timestamp: <unix seconds>
//   X-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Timestamp>." + raw body)>
// The app remembers every signature for its tolerance window and refuses a repeat, so a retry of
// the same body must carry a later timestamp: the client never signs one body twice in a second.
import { createHash, createHmac } from 'node:crypto';

export interface UpstreamCredentials {
  url: string;
  apiKey: string;
  hmacSecret: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export function sign(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class UpstreamClient {
  /** Last timestamp used per request (method, path, body): a repeat is signed with a later one. */
  private lastTimestamp = new Map<string, number>();

  constructor(
    private creds: () => UpstreamCredentials | null,
    private opts: { timeoutMs?: number; userAgent?: string; now?: () => number } = {},
  ) {}

  get configured(): boolean {
    return this.creds() !== null;
  }

  /**
   * Sends a signed request. Resolves with any HTTP answer (callers decide what a status means);
   * rejects with UpstreamError(status null) when no answer came (refused, reset, timeout).
   */
  async request(
    method: 'POST' | 'DELETE' | 'GET',
    path: string,
    body: string | Buffer = '',
    headers: Record<string, string> = {},
  ): Promise<UpstreamResponse> {
    const c = this.creds();
    if (!c) throw new UpstreamError('upstream not configured', null);
    const now = Math.floor((this.opts.now ?? Date.now)() / 1000);
    // A repeat of the same request (a retry) within a second would carry the same signature, which
    // the app refuses as a replay: give it the next second instead. Different requests keep `now`.
    const id = createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
    const ts = Math.max(now, (this.lastTimestamp.get(id) ?? 0) + 1);
    if (this.lastTimestamp.size > 1024) this.lastTimestamp.clear();
    this.lastTimestamp.set(id, ts);
    const url = new URL(path, c.url.endsWith('/') ? c.url : `${c.url}/`);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-api-key': c.apiKey,
          'x-timestamp': String(ts),
          'x-signature': sign(c.hmacSecret, ts, body),
          'user-agent': this.opts.userAgent ?? 'alert-whisperer-operator',
          ...headers,
        },
        body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw new UpstreamError(`upstream unreachable: ${(e as Error).message}`, null);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
}

export function retryAfterMs(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

export function errorMessage(r: UpstreamResponse): string {
  const e = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
  return e ? `${r.status} ${e.code ?? ''} ${e.message ?? ''}`.trim() : `HTTP ${r.status}`;
}
