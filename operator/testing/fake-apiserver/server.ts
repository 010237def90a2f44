// HTTP front of the fake API server: bearer-token auth, discovery, REST paths for every
// registered resource (namespaced and cluster-scoped, `status` subresource), lists with
// selectors and paging, watches, and injected failures.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './errors.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.ts';
import type { Faults } from './faults.ts';
import { openApiV3GroupVersion, openApiV3Index } from './openapi.ts';
import type { DeleteOptions, Objects, WriteOptions } from './objects.ts';
import { type ResourceRegistry, type ResourceType, apiVersionOf } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { KubeObject } from './store.ts';
import { decodeProtobuf } from './protobuf.ts';
import { toTable, wantsTable } from './table.ts';
import { OpenWatch } from './watch.ts';

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export class Router {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly objects: Objects,
    private readonly faults: Faults,
    private readonly token: string,
    private readonly address: () => string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.faults.requests.push({
      method,
      path: url.pathname,
      query: url.search,
      contentType: req.headers['content-type'],
    });
    try {
      if (req.headers.authorization !== `Bearer ${this.token}`)
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const failure = this.faults.take(method, url.pathname);
      if (failure) throw new ApiError(failure.status, failure.reason, `injected failure (${failure.status})`);
      const raw = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : Buffer.alloc(0);
      const protobuf = (req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf');
      const body = protobuf && raw.length ? JSON.stringify(decodeProtobuf(raw)) : raw.toString('utf8');
      const result = this.discovery(url.pathname) ?? (await this.resource(method, url, body, req, res));
      if (result === 'streaming') return;
      const [status, payload, warnings] = result;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (warnings?.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
      res.writeHead(status, headers).end(JSON.stringify(payload));
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', (err as Error).message);
      if (!res.headersSent)
        res.writeHead(e.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(e.toStatus()));
      else res.end();
    }
  }

  private discovery(path: string): [number, unknown] | undefined {
    const p = path.replace(/\/+$/, '') || '/';
    if (p === '/version') return [200, SERVER_VERSION];
    if (p === '/healthz' || p === '/readyz' || p === '/livez') return [200, 'ok'];
    if (p === '/api') return [200, apiVersions(this.address())];
    if (p === '/apis') return [200, apiGroupList(this.registry)];
    const parts = p.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2)
      return found(apiResourceList(this.registry, '', parts[1] ?? ''));
    if (parts[0] === 'apis' && parts.length === 2) return found(apiGroup(this.registry, parts[1] ?? ''));
    if (parts[0] === 'apis' && parts.length === 3)
      return found(apiResourceList(this.registry, parts[1] ?? '', parts[2] ?? ''));
    if (p === '/openapi/v3') return [200, openApiV3Index(this.registry)];
    if (parts[0] === 'openapi' && parts[1] === 'v3' && parts[2] === 'api')
      return found(openApiV3GroupVersion(this.registry, '', parts[3] ?? ''));
    if (parts[0] === 'openapi' && parts[1] === 'v3' && parts[2] === 'apis')
      return found(openApiV3GroupVersion(this.registry, parts[3] ?? '', parts[4] ?? ''));
    if (parts[0] === 'openapi')
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return undefined;
  }

  private route(path: string): Route {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let rest: string[];
    if (parts[0] === 'api') [group, rest] = ['', parts.slice(1)];
    else if (parts[0] === 'apis') [group, rest] = [parts[1] ?? '', parts.slice(2)];
    else throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const [version = '', ...tail] = rest;
    const lookup = (plural: string | undefined) =>
      plural ? this.registry.byPlural(group, version, plural) : undefined;
    let ns: string | undefined;
    let segs = tail;
    if (tail[0] === 'namespaces' && tail.length >= 3 && lookup(tail[2])?.namespaced) {
      ns = tail[1];
      segs = tail.slice(2);
    }
    const [plural, name, subresource, ...extra] = segs;
    const type = lookup(plural);
    if (!type || extra.length || (subresource && (subresource !== 'status' || !type.status)))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return { type, namespace: ns, name, subresource };
  }

  private async resource(
    method: string,
    url: URL,
    body: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<[number, unknown, string[]?] | 'streaming'> {
    const { type, namespace, name, subresource } = this.route(url.pathname);
    const q = url.searchParams;
    const warnings: string[] = [];
    const opts: WriteOptions = {
      dryRun: q.get('dryRun') === 'All',
      fieldValidation: q.get('fieldValidation'),
      warnings,
    };
    const json = () => parseJson(body);
    if (method === 'GET' && (q.get('watch') === 'true' || q.get('watch') === '1')) {
      const fields = parseFieldSelector(q.get('fieldSelector'));
      const labels = parseLabelSelector(q.get('labelSelector'));
      const matches = (o: KubeObject) => labels(o) && fields(o) && (!name || o.metadata.name === name);
      const w = new OpenWatch(
        {
          type,
          namespace,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          matches,
          timeoutSeconds: Number(q.get('timeoutSeconds')) || undefined,
          bookmarks: q.get('allowWatchBookmarks') === 'true',
        },
        res,
        (closed) => this.faults.watches.delete(closed),
      );
      this.faults.watchOpened(w);
      w.start(this.objects.store, this.objects.list(type, namespace));
      return 'streaming';
    }
    if (!name) {
      if (method === 'GET') {
        const list = this.list(type, namespace, q);
        if (!wantsTable(req.headers.accept)) return [200, list];
        const meta = list.metadata as { resourceVersion: string };
        return [200, toTable(type, list.items as KubeObject[], meta.resourceVersion)];
      }
      if (method === 'POST') return [201, this.objects.create(type, namespace, json(), opts), warnings];
      if (method === 'DELETE') {
        const items = this.list(type, namespace, q).items as KubeObject[];
        for (const o of items)
          this.objects.delete(type, o.metadata.namespace, o.metadata.name, deleteOptions(q, body));
        return [200, { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: {}, items }];
      }
    } else {
      if (method === 'GET') {
        const obj = this.objects.get(type, namespace, name);
        if (!wantsTable(req.headers.accept)) return [200, obj];
        return [200, toTable(type, [obj], String(this.objects.store.resourceVersion))];
      }
      if (method === 'PUT')
        return [200, this.objects.update(type, namespace, name, json(), subresource, opts), warnings];
      if (method === 'PATCH') {
        const created = !this.objects.find(type, namespace, name);
        const out = this.objects.patch(
          type,
          namespace,
          name,
          req.headers['content-type'] ?? '',
          body,
          subresource,
          opts,
        );
        return [created ? 201 : 200, out, warnings];
      }
      if (method === 'DELETE')
        return [200, this.objects.delete(type, namespace, name, { ...opts, ...deleteOptions(q, body) })];
    }
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
  }

  private list(
    type: ResourceType,
    namespace: string | undefined,
    q: URLSearchParams,
  ): Record<string, unknown> {
    const labels = parseLabelSelector(q.get('labelSelector'));
    const fields = parseFieldSelector(q.get('fieldSelector'));
    const all = this.objects.list(type, namespace).filter((o) => labels(o) && fields(o));
    const rv = String(this.objects.store.resourceVersion);
    const offset = q.get('continue')
      ? Number(Buffer.from(q.get('continue') ?? '', 'base64url').toString())
      : 0;
    const limit = Number(q.get('limit')) || all.length;
    const items = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (more) {
      metadata.continue = Buffer.from(String(offset + limit)).toString('base64url');
      metadata.remainingItemCount = all.length - offset - limit;
    }
    return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items };
  }
}

function found(doc: Record<string, unknown> | undefined): [number, unknown] {
  if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return [200, doc];
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

function deleteOptions(q: URLSearchParams, body: string): DeleteOptions {
  const fromBody = body.trim() ? (parseJson(body) as DeleteOptions & { dryRun?: unknown }) : {};
  return {
    propagationPolicy: q.get('propagationPolicy') ?? fromBody.propagationPolicy,
    preconditions: fromBody.preconditions,
    dryRun: q.get('dryRun') === 'All' || (Array.isArray(fromBody.dryRun) && fromBody.dryRun.includes('All')),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
