// A notification worker process for the kill -9 test: its own pool, Prisma client and job queue
// on the test database, the real delivery handlers, a short lease. Prints "ready" once polling.
//   node --import tsx test/crash-worker.ts <database url> <worker id> <encryption key> <lease ms>
import { MemoryMailer } from '@aw/accounts';
import { createPool, createPrismaClient } from '@aw/db';
import { JobQueue } from '@aw/jobs';
import { registerNotificationWorker } from '../index.ts';

const [url, workerId, key, leaseMs] = process.argv.slice(2);
const pool = createPool(url!, { max: 6 });
const prisma = createPrismaClient(url!, { max: 4 });
const queue = new JobQueue({ pool, workerId, leaseMs: Number(leaseMs), pollMs: 25, logger: console });
registerNotificationWorker({
  prisma,
  pool,
  queue,
  mailer: new MemoryMailer(),
  encryptionKey: key!,
  baseUrl: 'http://portal.test',
  allowHttp: true,
  allowPrivateNetworks: true,
  timeoutMs: 30_000,
  maxAttempts: 5,
  backoffMs: 200,
});
queue.start();
process.stdout.write(`ready ${workerId}\n`);
