export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Liveness: the process answers HTTP. It deliberately does not touch the database, so an outage of
 * PostgreSQL takes instances out of rotation (/api/ready) instead of having them restarted.
 */
export function GET() {
  return Response.json({ status: 'ok' });
}
