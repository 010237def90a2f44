// The acknowledge link over HTTP, transport-neutral (a Fetch Request in, a Response out): the
// Next.js route and the tests' plain http server call the same function.
import type { IncidentChangedEvent } from '@aw/correlation';
import { acknowledgeByToken, inspectAckToken } from './ack.ts';
import type { NotificationDeps } from './deps.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(status: number, title: string, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${esc(title)}</title></head><body style="font-family:sans-serif;max-width:36rem;margin:3rem auto">` +
      `<h1>${esc(title)}</h1>${body}</body></html>`,
    {
      status,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      },
    },
  );
}

const REFUSED: Record<string, [number, string]> = {
  invalid: [404, 'This acknowledge link is not valid.'],
  expired: [410, 'This acknowledge link has expired.'],
  used: [410, 'This acknowledge link was already used.'],
  not_open: [409, 'The incident is no longer open (already acknowledged or resolved).'],
};

export async function handleAckRequest(
  deps: NotificationDeps,
  req: Request,
  token: string,
  hooks: { onIncidentChanged?: (e: IncidentChangedEvent) => Promise<unknown> } = {},
): Promise<Response> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const look = await inspectAckToken(deps, token);
    if (!look.ok) return page(REFUSED[look.reason]![0], REFUSED[look.reason]![1], '');
    if (look.incident.status !== 'OPEN') return page(409, REFUSED.not_open![1], '');
    return page(
      200,
      'Acknowledge this incident?',
      `<p>${esc(look.incident.title)}</p><form method="post"><button type="submit">Acknowledge</button></form>`,
    );
  }
  if (req.method !== 'POST')
    return new Response('method not allowed', { status: 405, headers: { Allow: 'GET, POST' } });
  const r = await acknowledgeByToken(deps, token);
  if (!r.ok) return page(REFUSED[r.reason]![0], REFUSED[r.reason]![1], '');
  await hooks.onIncidentChanged?.(r.event).catch(() => {});
  return page(200, 'Acknowledged', `<p>${esc(r.title)}</p><p>Escalation for this incident has stopped.</p>`);
}
