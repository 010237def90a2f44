import { handleIngest } from '@aw/ingest';
import { getRoot } from '~/server/composition';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Thin mount of the ingestion handler (packages/ingest): docs/API_REFERENCE.md. */
export function POST(req: Request): Promise<Response> {
  return handleIngest(req, getRoot().ingest, 'pagerduty');
}
