// One outbound POST through the SSRF guard (../net/request.ts) with a timeout. A 2xx is delivered; 408/429/5xx and network errors are worth
// another attempt; any other status will not get better by retrying (dead letter at once).

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

import { checkHost, DestinationRefused, guardedRequest, type NetOptions } from '../net/request.ts';

export interface HttpOptions extends NetOptions {
  timeoutMs?: number;
  allowHttp?: boolean;
}

/** Refuses anything but https (http only when allowed: loopback tests, the demo). */
export function checkUrl(raw: string, allowHttp = false): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new DeliveryError('destination URL is not a URL', true);
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:'))
    throw new DeliveryError(`destination URL must use https (got ${u.protocol})`, true);
  if (u.username || u.password) throw new DeliveryError('destination URL must not carry credentials', true);
  return u;
}

/** Save time: the URL's shape, then every address its host resolves to (unless private is allowed). */
export async function checkDestination(raw: string, opts: HttpOptions = {}): Promise<URL> {
  const u = checkUrl(raw, opts.allowHttp);
  try {
    await checkHost(u.hostname, opts);
  } catch (e) {
    throw new DeliveryError((e as Error).message, true);
  }
  return u;
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: HttpOptions = {},
): Promise<{ status: number; body: string }> {
  const u = checkUrl(url, opts.allowHttp);
  let res: { status: number; body: string };
  try {
    res = await guardedRequest(
      u,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'AlertWhisperer-Notify/1', ...headers },
        body,
        timeoutMs: opts.timeoutMs ?? 10_000,
        maxBytes: 64_000,
      },
      opts,
    );
  } catch (e) {
    // A refused address will not become public by retrying.
    throw new DeliveryError(`${u.host}: ${(e as Error).message}`, e instanceof DestinationRefused);
  }
  const text = res.body.slice(0, 500);
  if (res.status >= 200 && res.status < 300) return { status: res.status, body: text };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(
    `${u.host} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    !retryable,
  );
}
