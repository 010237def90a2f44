// The worker process (`npm run worker`, PROCESS_ROLE=worker): correlation sweeps and the job queue
// workers, no pages. Run as many as you like next to web processes (PROCESS_ROLE=web) on the same
// DATABASE_URL and secrets; the database decides who does what. Without DATABASE_URL it joins the
// embedded database of a running `npm start` on this machine (DATA_DIR, EMBEDDED_PG_PORT).
import { joinLocalDatabase } from '@aw/db';
import { createRoot } from './src/server/composition.ts';

Object.assign(process.env, joinLocalDatabase(process.env));
const root = createRoot({ role: 'worker' }).start();
console.log(
  `[worker] running: correlation sweeps; queue workers: ${root.queueWorkers.map((w) => w.name).join(', ')}`,
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: stopping`);
  await root.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
