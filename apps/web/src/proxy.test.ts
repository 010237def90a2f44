import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { proxy } from './proxy';

describe('proxy', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('sends HSTS and a nonce CSP for an https deployment, and hands Next the nonce', () => {
    vi.stubEnv('AUTH_URL', 'https://aw.example.com');
    vi.stubEnv('NODE_ENV', 'production');
    const res = proxy(new NextRequest('https://aw.example.com/dashboard'));
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(nonce.length).toBeGreaterThanOrEqual(24);
    // Next reads the request's CSP (forwarded as x-middleware-request-*) to put the nonce on scripts.
    expect(res.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
    expect(res.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    const second = proxy(new NextRequest('https://aw.example.com/dashboard'));
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('sends no HSTS on a plain-http local run', () => {
    vi.stubEnv('AUTH_URL', 'http://localhost:3000');
    vi.stubEnv('NODE_ENV', 'production');
    const res = proxy(new NextRequest('http://localhost:3000/sign-in'));
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("'strict-dynamic'");
  });
});
