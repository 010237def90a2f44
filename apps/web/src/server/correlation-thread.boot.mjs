// Starts the correlation thread (correlation-thread.ts): the web server runs plain node on Next.js's
// build, so the thread loads its TypeScript sources through tsx, as `npm run worker` does.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
