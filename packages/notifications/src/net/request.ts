// Outbound HTTP for notifications and PSA calls, guarded against SSRF. A destination is checked
// when it is saved (every address its name resolves to must be public) and again when a request
// connects: the socket's own DNS lookup goes through `guardedLookup`, so the address connected to
// is the address checked — a name that resolved to a public address at save time and to
// 127.0.0.1 or 169.254.169.254 now (DNS rebinding) is refused. IP literals are checked before
// connecting (no lookup happens for them). Redirects are never followed.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedReason } from './address.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface NetOptions {
  /** Allow private/loopback/link-local destinations (NOTIFY_ALLOW_PRIVATE_DESTINATIONS: tests, on-prem). */
  allowPrivate?: boolean;
  /** DNS resolution (default: the system resolver, every address). Tests inject one. */
  resolve?: Resolver;
}

export class DestinationRefused extends Error {}

export const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family,
  }));

const bare = (host: string) => host.replace(/^\[|\]$/g, '');

function refuseAddress(host: string, address: string) {
  const reason = blockedReason(address);
  if (reason)
    throw new DestinationRefused(
      `destination ${host} resolves to ${address} (${reason}); private, loopback, link-local and metadata addresses are refused`,
    );
}

/** Resolves the host and refuses it if any address is not public (save time). */
export async function checkHost(hostname: string, net: NetOptions = {}): Promise<void> {
  if (net.allowPrivate) return;
  const host = bare(hostname);
  if (isIP(host)) return refuseAddress(host, host);
  let addrs: ResolvedAddress[];
  try {
    addrs = await (net.resolve ?? systemResolver)(host);
  } catch (e) {
    throw new DestinationRefused(`destination ${host} does not resolve: ${(e as Error).message}`);
  }
  if (!addrs.length) throw new DestinationRefused(`destination ${host} does not resolve`);
  for (const a of addrs) refuseAddress(host, a.address);
}

/** A socket lookup that resolves, checks every address and connects to a checked one. */
export function guardedLookup(net: NetOptions): LookupFunction {
  return (hostname, options, callback) => {
    const host = bare(hostname);
    (net.resolve ?? systemResolver)(host)
      .then((addrs) => {
        if (!addrs.length) throw new DestinationRefused(`destination ${host} does not resolve`);
        if (!net.allowPrivate) for (const a of addrs) refuseAddress(host, a.address);
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addrs.filter((a) => a.family === wanted) : addrs;
        if (!usable.length) throw new DestinationRefused(`destination ${host} has no IPv${wanted} address`);
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((e: Error) => callback(Object.assign(e, { code: 'EREFUSED' }), '', 0));
  };
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** One request through the guard; the body is read up to `maxBytes`. */
export async function guardedRequest(
  url: URL,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    maxBytes?: number;
  },
  net: NetOptions = {},
): Promise<HttpResponse> {
  const host = bare(url.hostname);
  if (isIP(host) && !net.allowPrivate) refuseAddress(host, host);
  const mod = url.protocol === 'https:' ? https : http;
  const maxBytes = init.maxBytes ?? 1_000_000;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: init.method,
        headers: {
          ...init.headers,
          ...(init.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(init.body)) }),
        },
        lookup: guardedLookup(net),
        // One socket per request: a pooled socket would skip the connect-time check.
        agent: false,
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBytes) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${init.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
