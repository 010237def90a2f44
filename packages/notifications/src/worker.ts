// The delivery jobs on @aw/jobs: send one delivery (rate limit, acknowledge link, timeline,
// dead letter after the last attempt) and flush one group (digest or single messages).
import { mspOfRow, walledJob } from '@aw/db';
import { q, ts, type Job } from '@aw/jobs';
import { createAckLink } from './ack.ts';
import { emailFor } from './channels/email.ts';
import { DeliveryError } from './channels/http.ts';
import { sendToChannel } from './channels/send.ts';
import { DELIVER_JOB, ESCALATE_JOB, GROUP_JOB, type NotificationDeps, now, PSA_POLL_JOB } from './deps.ts';
import { enqueueDelivery, groupKey } from './dispatch.ts';
import { type EscalatePayload, runEscalationStep } from './escalation.ts';
import { digestMessage } from './message.ts';
import { deliverPsa } from './psa/lifecycle.ts';
import { pollPsaTickets } from './psa/poller.ts';
import { recordTimeline as timeline } from './timeline.ts';
import type { TMessage } from './types.ts';

/** Triggers whose message carries an acknowledge link (while the incident is open). */
const ACKABLE = new Set([
  'incident.opened',
  'incident.severity_raised',
  'incident.flapping',
  'escalation',
  'runbook.failed',
]);

export async function deliver(deps: NotificationDeps, job: Job<{ deliveryId: string }>) {
  const d = await deps.prisma.notificationDelivery.findUnique({ where: { id: job.payload.deliveryId } });
  if (!d || d.status !== 'PENDING') return;
  if (d.psaConnectionId) return deliverPsa(deps, d, job);
  const at = now(deps);
  const channel = d.channelId
    ? await deps.prisma.notificationChannel.findFirst({ where: { id: d.channelId, mspId: d.mspId } })
    : null;
  const target = channel ? `${channel.kind.toLowerCase()} "${channel.name}"` : (d.recipient ?? 'nobody');
  const dead = async (error: string) => {
    await deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { status: 'FAILED', lastError: error.slice(0, 2000), attempts: { increment: 1 } },
    });
    await timeline(
      deps,
      d,
      'notification.failed',
      `Notification to ${target} failed (${d.trigger}): ${error}`,
      {
        deliveryId: d.id,
      },
    );
  };
  if (d.channelId && !channel) return dead('the channel was deleted');
  if (channel && !channel.enabled) return dead('the channel is disabled');
  if (channel) {
    // Per-channel rate limit: over the limit, wait until the oldest send of the last minute ages out.
    const recent = await q<{ n: string; oldest: Date | null }>(
      deps.pool,
      `SELECT count(*) AS n, min("sentAt") AS oldest FROM "NotificationDelivery"
        WHERE "channelId" = $1 AND status = 'SENT' AND "sentAt" > $2`,
      [channel.id, ts(new Date(at.getTime() - 60_000))],
    );
    const row = recent.rows[0]!;
    if (Number(row.n) >= channel.ratePerMinute && row.oldest)
      return { retryAt: new Date(row.oldest.getTime() + 60_001) };
  }
  const message = d.message as unknown as TMessage;
  if (d.incidentId && ACKABLE.has(d.trigger)) {
    const inc = await deps.prisma.incident.findFirst({
      where: { id: d.incidentId, mspId: d.mspId },
      select: { status: true },
    });
    if (inc?.status === 'OPEN')
      message.ackUrl = await createAckLink(deps, {
        deliveryId: d.id,
        mspId: d.mspId,
        companyId: d.companyId,
        incidentId: d.incidentId,
      });
  }
  try {
    const outcome = channel
      ? (await sendToChannel(deps, channel, message, { deliveryId: d.id })).outcome
      : (await deps.mailer.send(emailFor(message, d.recipient!)), 'mail');
    await deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { status: 'SENT', sentAt: now(deps), attempts: { increment: 1 }, lastError: null },
    });
    await timeline(deps, d, 'notification.sent', `Notified ${target}: ${d.trigger} (${outcome})`, {
      deliveryId: d.id,
      channelId: d.channelId,
      outcome,
    });
    if (d.trigger === 'digest') {
      // A digest stands for several incidents: each one's timeline says it went out.
      const members = await deps.prisma.notificationDelivery.findMany({ where: { digestId: d.id } });
      for (const m of members)
        await timeline(
          deps,
          m,
          'notification.sent',
          `Notified ${target} in a digest of ${members.length} (${outcome})`,
          {
            deliveryId: d.id,
            channelId: d.channelId,
            outcome,
          },
        );
    }
  } catch (e) {
    const error = (e as Error).message;
    const last = (e instanceof DeliveryError && e.permanent) || job.attempts >= job.maxAttempts;
    if (last) return dead(error);
    await deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { lastError: error.slice(0, 2000), attempts: { increment: 1 } },
    });
    throw e;
  }
}

/**
 * Flushes the group of one grouped delivery: all its PENDING, due rows become one digest (at least
 * `digestThreshold` of them) or single messages. Serialized per group by an advisory lock.
 */
export async function flushGroup(deps: NotificationDeps, job: Job<{ deliveryId: string; groupKey: string }>) {
  const d = await deps.prisma.notificationDelivery.findUnique({ where: { id: job.payload.deliveryId } });
  if (!d || d.status !== 'PENDING' || !d.grouped) return;
  const policy = d.policyId
    ? await deps.prisma.notificationPolicy.findUnique({ where: { id: d.policyId } })
    : null;
  const threshold = policy?.digestThreshold ?? 3;
  const intervalMs = (policy?.groupIntervalSeconds ?? 300) * 1000;
  const key = groupKey(d.policyId ?? '-', d.companyId, d.channelId ?? '-');
  const at = now(deps);
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
    const last = await q<{ lastFlushAt: Date }>(
      client,
      `SELECT "lastFlushAt" FROM "NotificationGroup" WHERE key = $1`,
      [key],
    );
    const earliest = (last.rows[0]?.lastFlushAt.getTime() ?? 0) + intervalMs;
    const mine = await q<{ status: string }>(
      client,
      `SELECT status FROM "NotificationDelivery" WHERE id = $1`,
      [d.id],
    );
    if (mine.rows[0]?.status !== 'PENDING') {
      await client.query('COMMIT');
      return;
    }
    if (earliest > at.getTime()) {
      await client.query('COMMIT');
      return { retryAt: new Date(earliest) };
    }
    const rows = await q<{ id: string; message: TMessage; notBefore: Date }>(
      client,
      `SELECT id, message, "notBefore" FROM "NotificationDelivery"
        WHERE "policyId" IS NOT DISTINCT FROM $1 AND "companyId" = $2 AND "channelId" IS NOT DISTINCT FROM $3
          AND grouped AND status = 'PENDING' AND "notBefore" <= $4
        ORDER BY "createdAt", id FOR UPDATE`,
      [d.policyId, d.companyId, d.channelId, ts(at)],
    );
    if (rows.rows.length >= threshold) {
      const company = await deps.prisma.company.findUnique({
        where: { id: d.companyId },
        select: { name: true },
      });
      const digestKey = `digest:${key}:${at.getTime()}`;
      const message = digestMessage({
        companyId: d.companyId,
        companyName: company?.name ?? '',
        incidents: rows.rows.flatMap((r) => (r.message.incident ? [r.message.incident] : [])),
        key: digestKey,
        at,
      });
      const ins = await q<{ id: string }>(
        client,
        `INSERT INTO "NotificationDelivery" ("mspId", "companyId", "policyId", "channelId", trigger, key, message, "notBefore", "createdAt")
         VALUES ($1, $2, $3, $4, 'digest', $5, $6::jsonb, $7, $7) RETURNING id`,
        [d.mspId, d.companyId, d.policyId, d.channelId, digestKey, JSON.stringify(message), ts(at)],
      );
      const digestId = ins.rows[0]!.id;
      await q(
        client,
        `UPDATE "NotificationDelivery" SET status = 'GROUPED', "digestId" = $2 WHERE id = ANY($1::uuid[])`,
        [rows.rows.map((r) => r.id), digestId],
      );
      await enqueueDelivery(deps, digestId, at, client);
    } else {
      await q(client, `UPDATE "NotificationDelivery" SET grouped = false WHERE id = ANY($1::uuid[])`, [
        rows.rows.map((r) => r.id),
      ]);
      for (const r of rows.rows) await enqueueDelivery(deps, r.id, at, client);
    }
    await q(
      client,
      `INSERT INTO "NotificationGroup" (key, "mspId", "lastFlushAt") VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET "lastFlushAt" = EXCLUDED."lastFlushAt"`,
      [key, d.mspId, ts(at)],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** Registers the notification job handlers (deliver, group, escalate, PSA poll) on the deps' queue (the caller starts it). */
export function registerNotificationWorker(deps: NotificationDeps): void {
  // Each job walled in to its MSP by row-level security (the PSA poll sweeps every MSP: unwalled).
  const mspOfDelivery = <P extends { deliveryId: string }>(job: Job<P>) =>
    mspOfRow(deps.prisma.notificationDelivery, job.payload.deliveryId);
  deps.queue.work<{ deliveryId: string }>(
    DELIVER_JOB,
    walledJob(mspOfDelivery, (job) => deliver(deps, job)),
    { concurrency: 4 },
  );
  deps.queue.work<{ deliveryId: string; groupKey: string }>(
    GROUP_JOB,
    walledJob(mspOfDelivery, (job) => flushGroup(deps, job)),
  );
  deps.queue.work<EscalatePayload>(
    ESCALATE_JOB,
    walledJob(
      async (job) => job.payload.mspId,
      (job) => runEscalationStep(deps, job),
    ),
  );
  deps.queue.work(PSA_POLL_JOB, async () => {
    await pollPsaTickets(deps);
    return { retryAt: new Date(now(deps).getTime() + (deps.psaPollMs ?? 60_000)) };
  });
}

/** Queues the PSA poller (one job for all processes: its singleton key). */
export async function startPsaPoller(deps: NotificationDeps): Promise<void> {
  await deps.queue.enqueue(PSA_POLL_JOB, {}, { singletonKey: 'poll', maxAttempts: 1_000_000 });
}
