// A second app process for the concurrency test: stores alerts of the same keys as its twin and
// correlates them right away, as an app process with ingestion + CorrelationWorker would.
import { createPool } from '@aw/db';
import { CorrelationWorker } from '../store/worker.ts';
import { storeAlerts } from './fixtures.ts';

const [url, mspId, companyId, tag, countArg, t0Arg] = process.argv.slice(2);
const pool = createPool(url!, { max: 3 });
const worker = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
const count = Number(countArg);
const t0 = Number(t0Arg);
const pending: Promise<unknown>[] = [];
for (let i = 0; i < count; i++) {
  const ids = await storeAlerts(pool, mspId!, companyId!, [
    {
      asset: `host-${i % 3}`,
      signature: 'disk_full',
      fingerprint: `host-${i % 3}/disk_full/${tag}-${i}`,
      occurredAt: new Date(t0 + i * 1000),
    },
  ]);
  pending.push(worker.drainCompany(companyId!).catch((e) => console.error(e)));
  void ids;
}
await Promise.all(pending);
await worker.sweep();
await worker.stop();
await pool.end();
console.log(JSON.stringify({ decided: worker.decided }));
