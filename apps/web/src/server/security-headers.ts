/**
 * Response headers for documents: a nonce-based Content-Security-Policy (scripts run only if they
 * carry this request's nonce, or were loaded by one that did: 'strict-dynamic'), and
 * Strict-Transport-Security when the app is served over https (production). Built from plain
 * arguments so a unit test can read it; src/proxy.ts applies it per request.
 */
export interface SecurityHeaderInput {
  nonce: string;
  dev: boolean;
  /** The public URL (AUTH_URL): HSTS only when it is https. */
  authUrl: string | undefined;
  /** Where the browser's Pusher client connects, when Pusher is configured. */
  pusher?: { wsHost?: string; wsPort?: number; cluster?: string } | null;
}

export const HSTS = 'max-age=63072000; includeSubDomains';

function pusherSources(p: NonNullable<SecurityHeaderInput['pusher']>): string[] {
  if (p.wsHost) {
    const port = p.wsPort ? `:${p.wsPort}` : '';
    return [`ws://${p.wsHost}${port}`, `wss://${p.wsHost}${port}`, `https://${p.wsHost}${port}`];
  }
  return ['wss://*.pusher.com', 'https://*.pusher.com', 'https://*.pusherapp.com'];
}

export function contentSecurityPolicy(input: SecurityHeaderInput): string {
  const connect = ["'self'", ...(input.pusher ? pusherSources(input.pusher) : [])];
  return [
    "default-src 'self'",
    // React in development reconstructs server error stacks with eval; production never needs it.
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'${input.dev ? " 'unsafe-eval'" : ''}`,
    // Style attributes (charts, progress bars) are rendered by React; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(input: SecurityHeaderInput): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Security-Policy': contentSecurityPolicy(input) };
  if (input.authUrl?.startsWith('https://') && !input.dev) headers['Strict-Transport-Security'] = HSTS;
  return headers;
}
