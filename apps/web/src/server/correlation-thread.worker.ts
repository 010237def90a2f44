// The correlation thread's side (see correlation-thread.ts): a CorrelationWorker with a pool of its
// own. The live push is published from here; the other incident listeners run in the main thread,
// which answers each batch of events with an ack.
import { parentPort, workerData } from 'node:worker_threads';
import { CorrelationWorker, type IncidentChangedEvent } from '@aw/correlation';
import { createPool } from '@aw/db';
import { createRealtimeService, incidentChangeEvent, situationChangeEvents } from '@aw/realtime';
import {
  THREAD_APPLICATION_NAME,
  type HostMessage,
  type ThreadData,
  type ThreadMessage,
} from './correlation-thread.ts';

const port = parentPort;
if (!port) throw new Error('correlation-thread.worker.ts runs only as a worker thread');
const data = (workerData as { data: ThreadData }).data;
const post = (m: ThreadMessage) => port.postMessage(m);

const pool = createPool(data.connectionString, {
  max: data.poolMax,
  applicationName: THREAD_APPLICATION_NAME,
});
const realtime = createRealtimeService({
  pool,
  connectionString: data.connectionString,
  settings: data.realtime,
});

let seq = 0;
const acks = new Map<number, () => void>();
const worker = new CorrelationWorker({
  pool,
  ...data.options,
  onIncidentsDecided: (es: IncidentChangedEvent[]) =>
    realtime.publishMany(es.flatMap((e) => [incidentChangeEvent(e), ...situationChangeEvents(e)])),
  onIncidentsChanged: (events) =>
    new Promise<void>((resolve) => {
      const id = ++seq;
      acks.set(id, resolve);
      post({ t: 'changed', id, events });
    }),
  onTurn: (t) => post({ t: 'turn', ...t }),
});

function answer(id: number, work: () => Promise<number>): void {
  work().then(
    (value) => post({ t: 'result', id, value }),
    (e: unknown) => post({ t: 'result', id, error: (e as Error).message }),
  );
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await realtime.close();
  await pool.end();
  port!.close(); // the host sees the thread exit
}

port.on('message', (m: HostMessage) => {
  switch (m.t) {
    case 'stored':
      for (const companyId of m.companyIds) void worker.drainCompany(companyId).catch(() => 0);
      return;
    case 'drain':
      return answer(m.id, () => worker.drainCompany(m.companyId));
    case 'sweep':
      return answer(m.id, () => worker.sweep());
    case 'ack': {
      const done = acks.get(m.id);
      acks.delete(m.id);
      done?.();
      return;
    }
    case 'stop':
      void stop();
      return;
  }
});

worker.start();
post({ t: 'ready' });
