import { readEnv } from '@aw/config';
import { type NextRequest, NextResponse } from 'next/server';
import { securityHeaders } from '~/server/security-headers';

function pusherTarget() {
  const env = readEnv([
    'PUSHER_KEY',
    'PUSHER_WS_HOST',
    'PUSHER_HOST',
    'PUSHER_WS_PORT',
    'PUSHER_PORT',
    'PUSHER_CLUSTER',
  ]);
  if (!env.PUSHER_KEY) return null;
  const wsHost = env.PUSHER_WS_HOST ?? env.PUSHER_HOST;
  const wsPort = env.PUSHER_WS_PORT ?? env.PUSHER_PORT;
  return { wsHost, wsPort, cluster: env.PUSHER_CLUSTER };
}

/**
 * A fresh nonce per document request. Next.js reads it from the request's Content-Security-Policy
 * header and puts it on the scripts it renders; the root layout puts it on the theme script.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const env = readEnv(['NODE_ENV', 'AUTH_URL']);
  const headers = securityHeaders({
    nonce,
    dev: env.NODE_ENV === 'development',
    authUrl: env.AUTH_URL,
    pusher: pusherTarget(),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  // Documents only: API routes (webhooks with their own body limits) and static files pass by.
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
