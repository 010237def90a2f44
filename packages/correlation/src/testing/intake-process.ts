// An app process for the ReDoS test: the real ingestion handler on node:http, handing stored
// alerts to a CorrelationWorker, as the app wires them. Run as a child so that a pattern that
// stalls it (before RE2) shows up as an unanswered health check, not a hung test runner.
import { createPool } from '@aw/db';
import { createIngestRuntime, silentLogger } from '@aw/ingest';
import { serveIngest } from '@aw/ingest/server';
import { CorrelationWorker } from '../store/worker.ts';

const [url] = process.argv.slice(2);
const pool = createPool(url!, { max: 4 });
const worker = new CorrelationWorker({ pool, sweepIntervalMs: 500, tickIntervalMs: 0 }).start();
const rt = createIngestRuntime({
  pool,
  sink: worker,
  logger: silentLogger,
  // bench/fairness.ts measures with and without the per-company alert budget.
  companyAlertsPerMinute: Number(process.env.INGEST_COMPANY_ALERTS_PER_MINUTE ?? 0),
  companyAlertsBurst: Number(process.env.INGEST_COMPANY_ALERTS_BURST ?? 0) || undefined,
});
const served = await serveIngest(rt);
console.log(`READY ${served.url}`);
process.on('SIGTERM', () => {
  void (async () => {
    await served.close();
    await worker.stop();
    await pool.end();
    process.exit(0);
  })();
});
