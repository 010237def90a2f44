import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, HSTS, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('allows only nonce-carrying scripts in production: no unsafe-inline or unsafe-eval for scripts', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc', dev: false, authUrl: 'https://aw.example.com' });
    const script = csp.split('; ').find((d) => d.startsWith('script-src'))!;
    expect(script).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it('sends HSTS only for an https deployment', () => {
    expect(securityHeaders({ nonce: 'n', dev: false, authUrl: 'https://aw.example.com' })).toMatchObject({
      'Strict-Transport-Security': HSTS,
    });
    expect(securityHeaders({ nonce: 'n', dev: false, authUrl: 'http://localhost:3000' })).not.toHaveProperty(
      'Strict-Transport-Security',
    );
  });

  it('lets the browser reach a configured Pusher host', () => {
    const csp = contentSecurityPolicy({
      nonce: 'n',
      dev: false,
      authUrl: undefined,
      pusher: { wsHost: '127.0.0.1', wsPort: 6001 },
    });
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:6001 wss://127.0.0.1:6001");
  });
});
