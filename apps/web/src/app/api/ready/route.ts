import { getRoot } from '~/server/composition';
import { checkReadiness, findMigrationsDir } from '@aw/observability';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Readiness: the database answers and every shipped migration is applied (503 with the reason if not). */
export async function GET(): Promise<Response> {
  const r = await checkReadiness({ db: getRoot().pool, migrationsDir: findMigrationsDir() });
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
