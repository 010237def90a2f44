// Every route handler of the app's route tree (src/app/**/route.ts), found on disk and mounted in a
// plain node:http server the way Next's node server calls it: the request body through Next's own
// body-stream conversion, a NextRequest, and the dynamic segments as `params`. A route added
// tomorrow is served (and swept) without editing a test. The incoming headers of the request being
// handled are kept in an AsyncLocalStorage so a test can resolve `auth()` from the request's own
// session cookie (Next keeps them in its request store, which does not exist outside `next start`).
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { requestToBodyStream } from 'next/dist/server/body-streams.js';
import { NextRequest } from 'next/server';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type THttpMethod = (typeof HTTP_METHODS)[number];

type Handler = (
  req: Request,
  ctx: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

export type TSegment =
  { kind: 'static'; value: string } | { kind: 'param'; name: string } | { kind: 'catchall'; name: string };

export interface RouteFile {
  /** Path relative to the app directory, e.g. `api/v1/alerts/route.ts`. */
  file: string;
  /** The URL pattern, e.g. `/api/realtime/events/[id]`. */
  pattern: string;
  segments: TSegment[];
  handlers: Partial<Record<THttpMethod, Handler>>;
}

/** Every `route.ts` under `appDir`, sorted. */
export function listRouteFiles(appDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^route\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(path.relative(appDir, p));
    }
  };
  walk(appDir);
  return out.sort();
}

export function segmentsOf(file: string): TSegment[] {
  return path
    .dirname(file)
    .split(path.sep)
    .filter((s) => s !== '.' && !/^\(.*\)$/.test(s) && !s.startsWith('@'))
    .map((s): TSegment => {
      const catchall = /^\[{1,2}\.\.\.(.+?)\]{1,2}$/.exec(s);
      if (catchall) return { kind: 'catchall', name: catchall[1]! };
      const param = /^\[(.+)\]$/.exec(s);
      if (param) return { kind: 'param', name: param[1]! };
      return { kind: 'static', value: s };
    });
}

/** Imports every route file and keeps its exported HTTP method handlers. */
export async function loadRoutes(appDir: string): Promise<RouteFile[]> {
  const out: RouteFile[] = [];
  for (const file of listRouteFiles(appDir)) {
    const mod = (await import(path.join(appDir, file))) as Record<string, unknown>;
    const handlers: RouteFile['handlers'] = {};
    for (const m of HTTP_METHODS) if (typeof mod[m] === 'function') handlers[m] = mod[m] as Handler;
    const segments = segmentsOf(file);
    const pattern =
      '/' +
      segments
        .map((s) => (s.kind === 'static' ? s.value : s.kind === 'param' ? `[${s.name}]` : `[...${s.name}]`))
        .join('/');
    out.push({ file, pattern, segments, handlers });
  }
  return out;
}

/** The route a pathname names, with its params; static routes win over dynamic ones. */
export function matchRoute(
  routes: RouteFile[],
  pathname: string,
): { route: RouteFile; params: Record<string, string | string[]> } | null {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const ranked = [...routes].sort(
    (a, b) =>
      a.segments.filter((s) => s.kind !== 'static').length -
      b.segments.filter((s) => s.kind !== 'static').length,
  );
  for (const route of ranked) {
    const params: Record<string, string | string[]> = {};
    let i = 0;
    let ok = true;
    for (const s of route.segments) {
      if (s.kind === 'catchall') {
        if (i >= parts.length) ok = false;
        else params[s.name] = parts.slice(i);
        i = parts.length;
        break;
      }
      const p = parts[i++];
      if (p === undefined || (s.kind === 'static' && s.value !== p)) {
        ok = false;
        break;
      }
      if (s.kind === 'param') params[s.name] = p;
    }
    if (ok && i === parts.length) return { route, params };
  }
  return null;
}

const requestStore = new AsyncLocalStorage<Headers>();

/** The headers of the request being handled (inside a handler run by `startRouteServer`). */
export function currentRequestHeaders(): Headers | undefined {
  return requestStore.getStore();
}

export interface RouteServer {
  base: string;
  close(): Promise<void>;
}

export async function startRouteServer(routes: RouteFile[]): Promise<RouteServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, `http://${req.headers.host ?? '127.0.0.1'}`);
    const hit = matchRoute(routes, url.pathname);
    const handler = hit?.route.handlers[req.method as THttpMethod];
    if (!hit) return void res.writeHead(404).end();
    if (!handler) return void res.writeHead(405).end();
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const body = hasBody ? requestToBodyStream({ ReadableStream }, Uint8Array, req) : undefined;
    const init = { method: req.method, headers, body, duplex: 'half' };
    const request = new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1]);
    // A handler may answer synchronously (e.g. liveness): always a promise here.
    Promise.resolve()
      .then(() => requestStore.run(headers, () => handler(request, { params: Promise.resolve(hit.params) })))
      .then(
        async (r) => {
          const out: Record<string, string | string[]> = {};
          r.headers.forEach((v, k) => {
            if (k !== 'set-cookie') out[k] = v;
          });
          const cookies = r.headers.getSetCookie();
          if (cookies.length) out['set-cookie'] = cookies;
          res.writeHead(r.status, out);
          if (!r.body) return void res.end();
          // Streamed as it comes (SSE), and cancelled when the client goes away.
          const reader = r.body.getReader();
          res.on('close', () => void reader.cancel().catch(() => undefined));
          for (;;) {
            const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
            if (chunk.done) break;
            res.write(chunk.value);
          }
          res.end();
        },
        (e: unknown) => {
          if (!res.headersSent) res.writeHead(500);
          res.end(String(e));
        },
      );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Signs in through Auth.js over HTTP (csrf, then the credentials callback); the session cookie. */
export async function signInOverHttp(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/' }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  return session.split(';')[0]!;
}
