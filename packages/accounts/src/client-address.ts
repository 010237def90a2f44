import { BlockList, isIP } from 'node:net';

/**
 * Which address a request came from, for sign-in throttling.
 *
 * Without a trusted proxy the answer is the TCP peer (the socket's remote address), which the
 * caller cannot choose. Behind proxies (TRUST_PROXY=true) the chain is read from the right: the
 * socket peer, then each X-Forwarded-For hop appended by the proxy before it. The first hop that is
 * not one of our proxies is the client. The left-most entries are whatever the sender wrote and are
 * never believed on their own.
 */
export interface ClientAddressInput {
  /** The TCP peer, as the server socket saw it; undefined when the transport cannot tell. */
  socketAddress: string | undefined;
  /** The raw X-Forwarded-For header(s), joined with commas. */
  forwardedFor: string | null | undefined;
  /** Proxies we trust to append X-Forwarded-For; null: trust no proxy, use the socket. */
  trustedProxies: BlockList | null;
}

/** TRUST_PROXY=true trusts proxies on loopback and private networks (where a load balancer sits). */
export function privateNetworks(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  return list;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; "[::1]:443" or "1.2.3.4:80" → the address; junk → null. */
export function normalizeAddress(raw: string | undefined): string | null {
  let a = (raw ?? '').trim();
  if (!a) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return isIP(a) ? a.toLowerCase() : null;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddress(input: ClientAddressInput): string {
  const peer = normalizeAddress(input.socketAddress);
  if (!peer) return 'unknown';
  if (!input.trustedProxies) return peer;
  const hops = (input.forwardedFor ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  let current = peer;
  // Walk right to left while the current hop is one of our proxies; it vouches for the next one.
  for (let i = hops.length - 1; i >= 0 && isTrusted(input.trustedProxies, current); i--) {
    const next = normalizeAddress(hops[i]);
    // A malformed hop written by someone we trust is not a client address: stop at the proxy.
    if (!next) return current;
    current = next;
  }
  return current;
}
