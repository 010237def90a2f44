// A migrated database, a job queue on an adjustable clock, a memory mailer, one MSP with a
// company and staff, and loopback receivers for every channel kind.
import { randomBytes } from 'node:crypto';
import { MemoryMailer } from '@aw/accounts';
import type { IncidentChangedEvent } from '@aw/correlation';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import type pg from 'pg';
import {
  type NotificationDeps,
  onIncidentChanged,
  registerNotificationWorker,
  saveChannel,
  savePolicy,
} from '../index.ts';
import type { TChannelInput, TPolicyInput } from '../index.ts';
import { pagerDutyCheck, type Receiver, slackCheck, startReceiver, teamsCheck } from './receivers.ts';

const quiet = { error() {}, warn() {} };
export const KEY = randomBytes(32).toString('base64');
export const ROUTING_KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey00';

export async function createHarness(target: PgTarget, opts: { start?: Date } = {}) {
  const db = await createTestDatabase(target);
  const prisma: PrismaClient = createPrismaClient(db.url, { max: 6 });
  const pool: pg.Pool = createPool(db.url, { max: 8 });
  let t = (opts.start ?? new Date('2026-11-30T15:00:00Z')).getTime(); // Monday 15:00 UTC
  const clock = () => new Date(t);
  const queues: JobQueue[] = [];
  const mailer = new MemoryMailer();
  const makeDeps = (workerId: string, leaseMs = 30_000): NotificationDeps => {
    const queue = new JobQueue({ pool, clock, pollMs: 20, logger: quiet, workerId, leaseMs });
    queues.push(queue);
    const d: NotificationDeps = {
      prisma,
      pool,
      queue,
      mailer,
      encryptionKey: KEY,
      baseUrl: 'http://portal.test',
      clock,
      allowHttp: true,
      allowPrivateNetworks: true,
      timeoutMs: 2000,
      maxAttempts: 3,
      backoffMs: 1000,
      logger: quiet,
    };
    registerNotificationWorker(d);
    return d;
  };
  const deps = makeDeps('main');
  const receivers = {
    teams: await startReceiver(teamsCheck, { status: 202, body: () => '' }),
    slack: await startReceiver(slackCheck, { status: 200, body: () => 'ok' }),
    webhook: await startReceiver(null, { status: 204, body: () => '' }),
    pagerduty: await startReceiver(pagerDutyCheck, {
      status: 202,
      body: (b) => JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: b.dedup_key }),
    }),
  };
  const tag = randomBytes(3).toString('hex');
  const msp = await prisma.msp.create({ data: { name: `MSP ${tag}`, slug: `m-${tag}` } });
  const user = await prisma.user.create({
    data: { email: `tech-${tag}@example.com`, name: 'Tess Tech', passwordHash: 'x' },
  });
  await prisma.membership.create({ data: { userId: user.id, mspId: msp.id, role: 'TECHNICIAN' } });
  let n = 0;
  async function company(name = 'Acme', timezone = 'UTC', mspId = msp.id) {
    const slug = `${name.toLowerCase()}-${++n}-${tag}`;
    return prisma.company.create({ data: { mspId, name, slug, timezone, awsExternalId: `aw-${slug}` } });
  }
  async function channel(input: TChannelInput, mspId = msp.id) {
    return (await saveChannel(deps, { mspId, actorId: user.id, input })).id;
  }
  async function policy(input: Partial<TPolicyInput> & Pick<TPolicyInput, 'channelIds'>, mspId = msp.id) {
    return (
      await savePolicy(prisma, {
        mspId,
        actorId: user.id,
        input: {
          name: 'p',
          triggers: ['incident.opened', 'incident.acknowledged', 'incident.resolved'],
          groupWaitSeconds: 0,
          groupIntervalSeconds: 0,
          ...input,
        },
      })
    ).id;
  }
  async function incident(
    companyId: string,
    o: {
      severity?: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';
      asset?: string;
      signature?: string;
    } = {},
  ) {
    const c = await prisma.company.findUniqueOrThrow({ where: { id: companyId } });
    const key = `${o.asset ?? 'web-01'}|${o.signature ?? 'disk_full'}|${randomBytes(4).toString('hex')}`;
    const at = clock();
    return prisma.incident.create({
      data: {
        mspId: c.mspId,
        companyId,
        correlationKey: key,
        openKey: key,
        title: `${o.signature ?? 'disk_full'} on ${o.asset ?? 'web-01'}`,
        asset: o.asset ?? 'web-01',
        signature: o.signature ?? 'disk_full',
        source: 'NATIVE',
        severity: o.severity ?? 'HIGH',
        alertCount: 1,
        firingCount: 1,
        windowStart: at,
        windowEnd: at,
        firstSeenAt: at,
        lastSeenAt: at,
      },
    });
  }
  function event(
    inc: Awaited<ReturnType<typeof incident>>,
    type: IncidentChangedEvent['type'],
    over: Partial<IncidentChangedEvent> = {},
  ): IncidentChangedEvent {
    return {
      type,
      mspId: inc.mspId,
      companyId: inc.companyId,
      incidentId: inc.id,
      status: type === 'incident.resolved' ? 'RESOLVED' : inc.status,
      severity: inc.severity,
      title: inc.title,
      correlationKey: inc.correlationKey,
      alertCount: inc.alertCount,
      firingCount: inc.firingCount,
      flapping: false,
      lastSeenAt: inc.lastSeenAt.toISOString(),
      ...over,
    };
  }
  /** Runs every due job (several rounds: a flush or a step enqueues more). */
  async function drain(q = deps.queue) {
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const n = await q.drain();
      total += n;
      if (!n) break;
    }
    return total;
  }
  return {
    prisma,
    pool,
    deps,
    makeDeps,
    mailer,
    receivers,
    msp,
    user,
    company,
    channel,
    policy,
    incident,
    event,
    drain,
    notify: (e: IncidentChangedEvent) => onIncidentChanged(deps, e),
    clock,
    advance(ms: number) {
      t += ms;
    },
    async close() {
      await Promise.all(queues.map((q) => q.stop()));
      await Promise.all(Object.values(receivers).map((r: Receiver) => r.close()));
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
