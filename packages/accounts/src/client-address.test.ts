import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, privateNetworks } from './client-address.ts';

describe('clientAddress', () => {
  it('without a trusted proxy uses the socket peer and ignores X-Forwarded-For', () => {
    expect(
      clientAddress({ socketAddress: '203.0.113.9', forwardedFor: '1.1.1.1', trustedProxies: null }),
    ).toBe('203.0.113.9');
    expect(
      clientAddress({ socketAddress: '::ffff:127.0.0.2', forwardedFor: null, trustedProxies: null }),
    ).toBe('127.0.0.2');
  });

  it('with TRUST_PROXY takes the right-most hop that is not one of our proxies', () => {
    const trusted = privateNetworks();
    // The sender wrote "6.6.6.6" itself; our load balancer (10.0.0.5) appended the real peer.
    expect(
      clientAddress({
        socketAddress: '10.0.0.5',
        forwardedFor: '6.6.6.6, 198.51.100.7',
        trustedProxies: trusted,
      }),
    ).toBe('198.51.100.7');
    // Two proxies of ours in the chain: skip both.
    expect(
      clientAddress({
        socketAddress: '10.0.0.5',
        forwardedFor: '6.6.6.6, 198.51.100.7, 10.0.0.9',
        trustedProxies: trusted,
      }),
    ).toBe('198.51.100.7');
  });

  it('does not believe X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(
      clientAddress({
        socketAddress: '198.51.100.7',
        forwardedFor: '10.0.0.1, 127.0.0.1',
        trustedProxies: privateNetworks(),
      }),
    ).toBe('198.51.100.7');
  });

  it('stops at the proxy when a hop is garbage, and uses the left-most only if every hop is ours', () => {
    const trusted = privateNetworks();
    expect(
      clientAddress({ socketAddress: '10.0.0.5', forwardedFor: 'evil, <script>', trustedProxies: trusted }),
    ).toBe('10.0.0.5');
    expect(
      clientAddress({
        socketAddress: '10.0.0.5',
        forwardedFor: '192.168.1.4, 10.0.0.9',
        trustedProxies: trusted,
      }),
    ).toBe('192.168.1.4');
  });

  it('honours an explicit proxy list and IPv6', () => {
    const list = new BlockList();
    list.addAddress('2001:db8::1', 'ipv6');
    expect(
      clientAddress({ socketAddress: '2001:db8::1', forwardedFor: '2001:db8::99', trustedProxies: list }),
    ).toBe('2001:db8::99');
    expect(clientAddress({ socketAddress: undefined, forwardedFor: '1.2.3.4', trustedProxies: list })).toBe(
      'unknown',
    );
  });

  it('normalizes ports, brackets and mapped IPv4', () => {
    expect(normalizeAddress('[::1]:443')).toBe('::1');
    expect(normalizeAddress('1.2.3.4:80')).toBe('1.2.3.4');
    expect(normalizeAddress('::FFFF:1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeAddress('not an ip')).toBeNull();
  });
});
