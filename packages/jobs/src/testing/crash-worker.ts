// A worker process for the crash test: claims one `crash` job, records that it started, then
// hangs (heartbeating) until the test kills it with SIGKILL.
import pg from 'pg';
import { JobQueue } from '../index.ts';

const [url, leaseMs] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 3 });
const queue = new JobQueue({ pool, leaseMs: Number(leaseMs), pollMs: 50, workerId: 'doomed' });
queue
  .work('crash', async (job) => {
    await pool.query(`INSERT INTO runs (job_id, worker, event) VALUES ($1, 'doomed', 'started')`, [job.id]);
    console.log('started');
    await new Promise(() => {});
  })
  .start();
