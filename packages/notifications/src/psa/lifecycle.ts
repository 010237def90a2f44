// PSA tickets in the incident lifecycle, on the delivery path: a policy with a PSA connection
// queues "create a ticket" when a covered incident opens; later changes (severity raised,
// acknowledged, flapping, runbook progress) become notes and "resolved" closes it. Each action is a
// NotificationDelivery row with a unique key (incident:trigger[:suffix]:psa:<connection>) and a
// job in one transaction, so it is retried with backoff, dead-lettered with its last error and
// never repeated for one trigger — exactly like a message.
import type { Incident, NotificationDelivery } from '@aw/db';
import type { HandlerResult, Job } from '@aw/jobs';
import { DeliveryError } from '../channels/http.ts';
import { type NotificationDeps, now } from '../deps.ts';
import { queueDelivery } from '../dispatch.ts';
import { incidentMessage } from '../message.ts';
import { policyCovers } from '../policies.ts';
import { TRIGGERS, type TMessage } from '../types.ts';
import { recordTimeline as timeline } from '../timeline.ts';
import { connectorFor } from './connections.ts';
import { PsaError } from './types.ts';

/** Triggers a ticket follows (opened creates, resolved closes, the rest are notes). */
export const PSA_TRIGGERS = new Set<string>(TRIGGERS);

const psaSuffix = (connectionId: string, suffix?: string) =>
  suffix ? `${suffix}:psa:${connectionId}` : `psa:${connectionId}`;
/** The key of the "create a ticket" action (queuePsaActions builds every key this way). */
const psaKey = (incidentId: string, trigger: string, connectionId: string, suffix?: string) =>
  `${incidentId}:${trigger}:${psaSuffix(connectionId, suffix)}`;

type Inc = Incident & { company: { name: string } };

/** Queues the PSA actions one trigger asks for; returns the new delivery ids. */
export async function queuePsaActions(
  deps: NotificationDeps,
  inc: Inc,
  t: { trigger: string; suffix?: string; detail?: string },
): Promise<string[]> {
  if (!PSA_TRIGGERS.has(t.trigger)) return [];
  let connectionIds: string[];
  if (t.trigger === 'incident.opened') {
    const policies = await deps.prisma.notificationPolicy.findMany({
      where: {
        mspId: inc.mspId,
        OR: [{ companyId: null }, { companyId: inc.companyId }],
        psaConnectionId: { not: null },
      },
      orderBy: { id: 'asc' },
    });
    connectionIds = policies.filter((p) => policyCovers(p, inc)).map((p) => p.psaConnectionId!);
  } else {
    // The ticket follows the incident: every connection that has (or is creating) its ticket.
    const [links, creating] = await Promise.all([
      deps.prisma.psaTicketLink.findMany({ where: { incidentId: inc.id, mspId: inc.mspId } }),
      deps.prisma.notificationDelivery.findMany({
        where: {
          incidentId: inc.id,
          mspId: inc.mspId,
          trigger: 'incident.opened',
          psaConnectionId: { not: null },
        },
        select: { psaConnectionId: true },
      }),
    ]);
    connectionIds = [...links.map((l) => l.connectionId), ...creating.map((c) => c.psaConnectionId!)];
  }
  const at = now(deps);
  const out: string[] = [];
  for (const connectionId of [...new Set(connectionIds)]) {
    const key = psaKey(inc.id, t.trigger, connectionId, t.suffix);
    const message = incidentMessage({
      baseUrl: deps.baseUrl,
      trigger: t.trigger,
      incident: inc,
      companyName: inc.company.name,
      key,
      at,
      detail: t.detail,
    });
    const id = await queueDelivery(deps, {
      mspId: inc.mspId,
      companyId: inc.companyId,
      incidentId: inc.id,
      policyId: null,
      channelId: null,
      psaConnectionId: connectionId,
      trigger: t.trigger,
      key,
      message,
      notBefore: at,
      grouped: false,
    });
    if (id) out.push(id);
  }
  return out;
}

/** Runs one PSA action (the deliver job's branch for rows with a PSA connection). */
export async function deliverPsa(
  deps: NotificationDeps,
  d: NotificationDelivery,
  job: Job<{ deliveryId: string }>,
): Promise<HandlerResult> {
  const conn = d.psaConnectionId
    ? await deps.prisma.psaConnection.findFirst({ where: { id: d.psaConnectionId, mspId: d.mspId } })
    : null;
  const label = conn ? `${conn.kind === 'CONNECTWISE' ? 'ConnectWise' : conn.kind} "${conn.name}"` : 'PSA';
  const done = (_outcome: string) =>
    deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { status: 'SENT', sentAt: now(deps), attempts: { increment: 1 }, lastError: null },
    });
  const dead = async (error: string) => {
    await deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { status: 'FAILED', lastError: error.slice(0, 2000), attempts: { increment: 1 } },
    });
    await timeline(deps, d, 'psa.failed', `${label} ticket action failed (${d.trigger}): ${error}`, {
      deliveryId: d.id,
      connectionId: d.psaConnectionId,
    });
  };
  if (!conn) return dead('the PSA connection was deleted');
  if (!conn.enabled) return dead('the PSA connection is disabled');
  if (!d.incidentId) return dead('no incident');
  const incidentId = d.incidentId;
  const link = await deps.prisma.psaTicketLink.findUnique({
    where: { incidentId_connectionId: { incidentId, connectionId: conn.id } },
  });
  const m = d.message as unknown as TMessage;
  const base = { deliveryId: d.id, connectionId: conn.id };
  try {
    if (d.trigger === 'incident.opened') {
      if (link) return void (await done(`skipped: ticket #${link.ticketId} exists`));
      const mapping = await deps.prisma.psaCompanyMapping.findUnique({
        where: { connectionId_companyId: { connectionId: conn.id, companyId: d.companyId } },
      });
      if (!mapping) return dead(`company "${m.companyName}" has no company mapping in ${label}`);
      const connector = await connectorFor(deps, conn);
      const ticket = await connector.createTicket({
        incidentId,
        psaCompany: mapping.psaCompany,
        summary: m.incident?.title ?? m.title,
        description: `${m.text}\n${m.incident?.url ?? ''}`.trim(),
        severity: m.incident?.severity ?? 'MEDIUM',
      });
      await deps.prisma.psaTicketLink.createMany({
        data: [
          { mspId: d.mspId, companyId: d.companyId, incidentId, connectionId: conn.id, ticketId: ticket.id },
        ],
        skipDuplicates: true,
      });
      await done(`ticket #${ticket.id}`);
      await timeline(
        deps,
        d,
        'psa.ticket_created',
        `${label} ticket #${ticket.id} opened (${mapping.psaCompany})`,
        {
          ...base,
          ticketId: ticket.id,
        },
      );
      return;
    }
    if (!link) {
      // The ticket is still being created: wait for it. No ticket will come: nothing to do.
      const creating = await deps.prisma.notificationDelivery.findUnique({
        where: { key: psaKey(incidentId, 'incident.opened', conn.id) },
        select: { status: true },
      });
      if (creating?.status === 'PENDING') return { retryAt: new Date(now(deps).getTime() + 5_000) };
      return void (await done('skipped: the incident has no ticket'));
    }
    if (link.status !== 'OPEN') return void (await done(`skipped: ticket #${link.ticketId} is closed`));
    const connector = await connectorFor(deps, conn);
    const note = `${m.title}\n${m.text}${m.incident?.url ? `\n${m.incident.url}` : ''}`;
    if (d.trigger === 'incident.resolved') {
      const t = await connector.closeTicket(link.ticketId, note);
      await deps.prisma.psaTicketLink.updateMany({
        where: { id: link.id, status: 'OPEN' },
        data: { status: 'CLOSED', closedBy: 'us', closedAt: now(deps) },
      });
      await done(`ticket #${link.ticketId} closed`);
      await timeline(
        deps,
        d,
        'psa.ticket_closed',
        `${label} ticket #${link.ticketId} closed (status ${t.status})`,
        {
          ...base,
          ticketId: link.ticketId,
        },
      );
      return;
    }
    await connector.addNote(link.ticketId, note);
    await done(`note on ticket #${link.ticketId}`);
    await timeline(
      deps,
      d,
      'psa.note_added',
      `${label} ticket #${link.ticketId}: note added (${d.trigger})`,
      {
        ...base,
        ticketId: link.ticketId,
      },
    );
  } catch (e) {
    const error = (e as Error).message;
    const permanent = (e instanceof PsaError && !e.retryable) || (e instanceof DeliveryError && e.permanent);
    if (permanent || job.attempts >= job.maxAttempts) return dead(error);
    await deps.prisma.notificationDelivery.update({
      where: { id: d.id },
      data: { lastError: error.slice(0, 2000), attempts: { increment: 1 } },
    });
    throw e;
  }
}
