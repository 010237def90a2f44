// The worker process (`npm run worker`, PROCESS_ROLE=worker): correlation sweeps and the job queue
// workers, no pages. Run as many as you like next to web processes (PROCESS_ROLE=web) on the same
// DATABASE_URL and secrets; the database decides who does what. Without DATABASE_URL it joins the
// embedded database of a running `npm start` on this machine (DATA_DIR, EMBEDDED_PG_PORT).
// Its own HTTP port (WORKER_METRICS_PORT, on HOST) serves /metrics (bearer METRICS_TOKEN when set),
// /api/health (liveness) and /api/ready (database answers, migrations applied): what the chart probes.
import { readEnv } from '@aw/config';
import { joinLocalDatabase } from '@aw/db';
import { appMetrics, checkReadiness, findMigrationsDir, serveMetrics } from '@aw/observability';
import { createRoot } from './src/server/composition.ts';

Object.assign(process.env, joinLocalDatabase(process.env));
const env = readEnv(['HOST', 'WORKER_METRICS_PORT', 'METRICS_TOKEN']);
const root = createRoot({ role: 'worker' }).start();
const metrics = appMetrics();
metrics.attachDatabase(root.pool);
const migrationsDir = findMigrationsDir(import.meta.dirname);
const http = await serveMetrics(metrics, {
  port: env.WORKER_METRICS_PORT,
  host: env.HOST,
  token: env.METRICS_TOKEN,
  ready: () => checkReadiness({ db: root.pool, migrationsDir }),
});
console.log(
  `[worker] running: correlation sweeps; queue workers: ${root.queueWorkers.map((w) => w.name).join(', ')}; metrics and health on http://${env.HOST}:${http.port}`,
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: stopping`);
  await http.close();
  await root.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
