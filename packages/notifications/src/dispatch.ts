// From an incident change to queued deliveries. Each (incident, trigger, channel) gets one row,
// whose unique key makes a second message impossible however often the change is reported; the
// row and its job are written in one transaction, so an accepted trigger is never lost.
import type { IncidentChangedEvent } from '@aw/correlation';
import type { Incident, NotificationPolicy } from '@aw/db';
import { q, ts, type Queryable } from '@aw/jobs';
import { DELIVER_JOB, ESCALATE_JOB, GROUP_JOB, type NotificationDeps, now } from './deps.ts';
import { incidentMessage } from './message.ts';
import { policyCovers, policySchedule } from './policies.ts';
import { nextDeliveryTime } from './schedule.ts';
import type { TMessage, TSeverity, TTrigger } from './types.ts';
import { firstStepDelayMs } from './escalation.ts';
import { queuePsaActions } from './psa/lifecycle.ts';

export interface TriggerEvent {
  trigger: TTrigger;
  mspId: string;
  incidentId: string;
  /** Distinguishes repeatable triggers: the severity reached, the runbook execution. */
  suffix?: string;
  detail?: string;
}

/** Which triggers a correlation change fires (severity raised and flapping: once per step). */
export async function triggersOf(deps: NotificationDeps, e: IncidentChangedEvent): Promise<TriggerEvent[]> {
  const base = { mspId: e.mspId, incidentId: e.incidentId };
  const out: TriggerEvent[] = [];
  const created = await q(
    deps.pool,
    `INSERT INTO "NotificationIncidentState" ("incidentId", "mspId", "maxSeverity", flapping, "updatedAt")
     VALUES ($1, $2, $3::"Severity", $4, $5) ON CONFLICT ("incidentId") DO NOTHING RETURNING "incidentId"`,
    [e.incidentId, e.mspId, e.severity, e.flapping, ts(now(deps))],
  );
  if (e.type === 'incident.created') {
    out.push({ ...base, trigger: 'incident.opened' });
    if (e.flapping) out.push({ ...base, trigger: 'incident.flapping' });
    return out;
  }
  if (!created.rowCount) {
    // The enum is declared worst first: a "smaller" severity is a worse one.
    const raised = await q(
      deps.pool,
      `UPDATE "NotificationIncidentState" SET "maxSeverity" = $2::"Severity", "updatedAt" = $3
        WHERE "incidentId" = $1 AND "maxSeverity" > $2::"Severity" RETURNING "incidentId"`,
      [e.incidentId, e.severity, ts(now(deps))],
    );
    if (raised.rowCount)
      out.push({
        ...base,
        trigger: 'incident.severity_raised',
        suffix: e.severity,
        detail: `now ${e.severity}`,
      });
    if (e.flapping) {
      const flap = await q(
        deps.pool,
        `UPDATE "NotificationIncidentState" SET flapping = true, "updatedAt" = $2
          WHERE "incidentId" = $1 AND NOT flapping RETURNING "incidentId"`,
        [e.incidentId, ts(now(deps))],
      );
      if (flap.rowCount) out.push({ ...base, trigger: 'incident.flapping' });
    }
  }
  if (e.status === 'ACKNOWLEDGED') out.push({ ...base, trigger: 'incident.acknowledged' });
  if (e.type === 'incident.resolved' || e.status === 'RESOLVED')
    out.push({ ...base, trigger: 'incident.resolved' });
  return out;
}

export const deliveryKey = (incidentId: string, trigger: string, channelId: string, suffix?: string) =>
  `${incidentId}:${trigger}${suffix ? `:${suffix}` : ''}:${channelId}`;

export const groupKey = (policyId: string, companyId: string, channelId: string) =>
  `${policyId}:${companyId}:${channelId}`;

interface NewDelivery {
  mspId: string;
  companyId: string;
  incidentId: string | null;
  policyId: string | null;
  channelId: string | null;
  psaConnectionId?: string | null;
  recipient?: string | null;
  trigger: string;
  key: string;
  message: TMessage;
  notBefore: Date;
  grouped: boolean;
}

export async function enqueueDelivery(deps: NotificationDeps, id: string, runAt: Date, db?: Queryable) {
  await deps.queue.enqueue(
    DELIVER_JOB,
    { deliveryId: id },
    { singletonKey: id, runAt, db, maxAttempts: deps.maxAttempts ?? 5, backoffMs: deps.backoffMs ?? 5000 },
  );
}

/** Inserts the delivery (or nothing if its key exists) and, in the same transaction, its job. */
export async function queueDelivery(
  deps: NotificationDeps,
  d: NewDelivery,
  group?: { key: string; waitMs: number; intervalMs: number },
): Promise<string | null> {
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    const r = await q<{ id: string }>(
      client,
      `INSERT INTO "NotificationDelivery" ("mspId", "companyId", "incidentId", "policyId", "channelId", recipient,
              trigger, key, message, "notBefore", grouped, "createdAt", "psaConnectionId")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)
       ON CONFLICT (key) DO NOTHING RETURNING id`,
      [
        d.mspId,
        d.companyId,
        d.incidentId,
        d.policyId,
        d.channelId,
        d.recipient ?? null,
        d.trigger,
        d.key,
        JSON.stringify(d.message),
        ts(d.notBefore),
        d.grouped,
        ts(now(deps)),
        d.psaConnectionId ?? null,
      ],
    );
    const id = r.rows[0]?.id ?? null;
    if (id && group) {
      // Every grouped row has its own flush job: whichever runs first sends the whole group, the
      // others find their row already flushed. No row can miss a flush.
      const last = await q<{ lastFlushAt: Date }>(
        client,
        `SELECT "lastFlushAt" FROM "NotificationGroup" WHERE key = $1`,
        [group.key],
      );
      const t = Math.max(
        d.notBefore.getTime(),
        now(deps).getTime() + group.waitMs,
        (last.rows[0]?.lastFlushAt.getTime() ?? 0) + group.intervalMs,
      );
      await deps.queue.enqueue(
        GROUP_JOB,
        { deliveryId: id, groupKey: group.key },
        { singletonKey: id, runAt: new Date(t), db: client, maxAttempts: 10, backoffMs: 5000 },
      );
    } else if (id) {
      await enqueueDelivery(deps, id, d.notBefore, client);
    }
    await client.query('COMMIT');
    return id;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

async function loadIncident(deps: NotificationDeps, mspId: string, incidentId: string) {
  return deps.prisma.incident.findFirst({
    where: { id: incidentId, mspId },
    include: { company: { select: { name: true, timezone: true } } },
  });
}

/** Queues what the policies ask for one trigger; returns the ids of new deliveries. */
export async function dispatchTrigger(deps: NotificationDeps, t: TriggerEvent): Promise<string[]> {
  const inc = await loadIncident(deps, t.mspId, t.incidentId);
  if (!inc) return [];
  const created = await queuePsaActions(deps, inc, t);
  const policies = (
    await deps.prisma.notificationPolicy.findMany({
      where: {
        mspId: inc.mspId,
        OR: [{ companyId: null }, { companyId: inc.companyId }],
        triggers: { has: t.trigger },
      },
      orderBy: { id: 'asc' },
    })
  ).filter((p) => policyCovers(p, inc));
  if (!policies.length) return created;
  const channelIds = [...new Set(policies.flatMap((p) => p.channelIds))];
  const channels = await deps.prisma.notificationChannel.findMany({
    where: { id: { in: channelIds }, mspId: inc.mspId, enabled: true },
  });
  const at = now(deps);
  // One delivery per channel: when several policies name it, the one that lets it go earliest
  // (quiet hours, business hours) decides when and how it is grouped.
  const pick = new Map<string, { p: NotificationPolicy; ch: (typeof channels)[number]; notBefore: Date }>();
  for (const p of policies)
    for (const ch of channels.filter((c) => p.channelIds.includes(c.id))) {
      if (ch.companyId && ch.companyId !== inc.companyId) continue;
      const notBefore = nextDeliveryTime(
        at,
        policySchedule(p, inc.company.timezone),
        inc.severity as TSeverity,
      );
      const seen = pick.get(ch.id);
      if (!seen || notBefore < seen.notBefore) pick.set(ch.id, { p, ch, notBefore });
    }
  for (const { p, ch, notBefore } of pick.values()) {
    const key = deliveryKey(inc.id, t.trigger, ch.id, t.suffix);
    const message = incidentMessage({
      baseUrl: deps.baseUrl,
      trigger: t.trigger,
      incident: inc,
      companyName: inc.company.name,
      key,
      at,
      detail: t.detail,
    });
    const grouped = t.trigger === 'incident.opened' && ch.kind !== 'PAGERDUTY';
    const id = await queueDelivery(
      deps,
      {
        mspId: inc.mspId,
        companyId: inc.companyId,
        incidentId: inc.id,
        policyId: p.id,
        channelId: ch.id,
        trigger: t.trigger,
        key,
        message,
        notBefore,
        grouped,
      },
      grouped
        ? {
            key: groupKey(p.id, inc.companyId, ch.id),
            waitMs: p.groupWaitSeconds * 1000,
            intervalMs: p.groupIntervalSeconds * 1000,
          }
        : undefined,
    );
    if (id) created.push(id);
  }
  if (t.trigger === 'incident.opened')
    for (const p of policies) if (p.escalationPolicyId) await startEscalation(deps, inc, p);
  return created;
}

async function startEscalation(deps: NotificationDeps, inc: Incident, p: NotificationPolicy) {
  const esc = await deps.prisma.escalationPolicy.findFirst({
    where: { id: p.escalationPolicyId!, mspId: inc.mspId },
  });
  const delay = esc ? firstStepDelayMs(esc.steps) : null;
  if (!esc || delay === null) return;
  await deps.queue.enqueue(
    ESCALATE_JOB,
    { incidentId: inc.id, mspId: inc.mspId, escalationPolicyId: esc.id, round: 0, step: 0 },
    { singletonKey: `${inc.id}:${esc.id}:0:0`, runAt: new Date(now(deps).getTime() + delay) },
  );
}

/**
 * The one listener the pipeline calls on every incident change: decides the triggers and queues
 * the deliveries. Errors are the caller's to log; nothing here blocks correlation.
 */
export async function onIncidentChanged(deps: NotificationDeps, e: IncidentChangedEvent): Promise<string[]> {
  const out: string[] = [];
  for (const t of await triggersOf(deps, e)) out.push(...(await dispatchTrigger(deps, t)));
  return out;
}
