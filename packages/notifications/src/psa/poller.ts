// Picks up tickets closed in the PSA and resolves their incidents here. One job (singleton) runs
// it every `psaPollMs`: per enabled connection, the open ticket links go to the PSA in batches
// (ConnectWise: one `conditions` query per 100 tickets); each ticket found closed resolves its
// incident in a row-locked transaction (tenant checked again under the lock), with the timeline,
// the audit entry and the change published to every listener like a portal action.
import type { IncidentChangedEvent } from '@aw/correlation';
import type { PsaConnection, PsaTicketLink } from '@aw/db';
import { type NotificationDeps, now } from '../deps.ts';
import { onIncidentChanged } from '../dispatch.ts';
import { connectorFor } from './connections.ts';
import type { PsaTicket } from './types.ts';

const BATCH = 100;

export interface PollReport {
  connections: number;
  checked: number;
  resolved: string[];
  errors: string[];
}

export async function pollPsaTickets(deps: NotificationDeps): Promise<PollReport> {
  const report: PollReport = { connections: 0, checked: 0, resolved: [], errors: [] };
  const conns = await deps.prisma.psaConnection.findMany({
    where: { enabled: true },
    orderBy: { id: 'asc' },
  });
  for (const conn of conns) {
    const links = await deps.prisma.psaTicketLink.findMany({
      where: { connectionId: conn.id, mspId: conn.mspId, status: 'OPEN' },
      orderBy: { createdAt: 'asc' },
    });
    report.connections++;
    let error: string | null = null;
    try {
      if (links.length) {
        const connector = await connectorFor(deps, conn);
        for (let i = 0; i < links.length; i += BATCH) {
          const batch = links.slice(i, i + BATCH);
          report.checked += batch.length;
          const closed = await connector.closedAmong(batch.map((l) => l.ticketId));
          for (const t of closed) {
            const link = batch.find((l) => l.ticketId === t.id);
            if (link && (await resolveFromPsa(deps, conn, link, t))) report.resolved.push(link.incidentId);
          }
        }
      }
    } catch (e) {
      error = (e as Error).message.slice(0, 1000);
      report.errors.push(`${conn.name}: ${error}`);
      deps.logger?.warn(`[notifications] PSA poll of "${conn.name}": ${error}`);
    }
    await deps.prisma.psaConnection.update({
      where: { id: conn.id },
      data: { lastPolledAt: now(deps), lastPollError: error },
    });
  }
  return report;
}

/** Resolves the ticket's incident (if still unresolved) and marks the link closed by the PSA. */
async function resolveFromPsa(
  deps: NotificationDeps,
  conn: PsaConnection,
  link: PsaTicketLink,
  ticket: PsaTicket,
): Promise<boolean> {
  const at = now(deps);
  const label = conn.kind === 'CONNECTWISE' ? 'ConnectWise' : conn.kind;
  const after = await deps.prisma.$transaction(async (tx) => {
    const marked = await tx.psaTicketLink.updateMany({
      where: { id: link.id, status: 'OPEN' },
      data: { status: 'CLOSED', closedBy: 'psa', closedAt: at },
    });
    if (!marked.count) return null;
    const locked = await tx.$queryRawUnsafe<{ status: string }[]>(
      `SELECT status FROM "Incident" WHERE id = $1::uuid AND "mspId" = $2::uuid AND "companyId" = $3::uuid FOR UPDATE`,
      link.incidentId,
      conn.mspId,
      link.companyId,
    );
    if (!locked.length || locked[0]!.status === 'RESOLVED') return null;
    const note = `Ticket #${ticket.id} was closed in ${label} "${conn.name}" (status ${ticket.status || 'closed'})`;
    const inc = await tx.incident.update({
      where: { id: link.incidentId },
      data: { status: 'RESOLVED', openKey: null, resolvedAt: at, resolution: 'MANUAL', resolutionNote: note },
    });
    await tx.incidentEvent.create({
      data: {
        mspId: inc.mspId,
        companyId: inc.companyId,
        incidentId: inc.id,
        type: 'resolved',
        message: `Resolved: ${note}`,
        data: { via: 'psa', connectionId: conn.id, ticketId: ticket.id },
      },
    });
    await tx.incidentEvent.create({
      data: {
        mspId: inc.mspId,
        companyId: inc.companyId,
        incidentId: inc.id,
        type: 'psa.ticket_closed_in_psa',
        message: `${label} "${conn.name}" ticket #${ticket.id} closed in the PSA`,
        data: { connectionId: conn.id, ticketId: ticket.id, status: ticket.status },
      },
    });
    await tx.auditLog.create({
      data: {
        mspId: inc.mspId,
        companyId: inc.companyId,
        action: 'incident.resolved',
        targetType: 'incident',
        targetId: inc.id,
        data: { via: 'psa', connectionId: conn.id, ticketId: ticket.id },
      },
    });
    return inc;
  });
  if (!after) return false;
  const event: IncidentChangedEvent = {
    type: 'incident.resolved',
    mspId: after.mspId,
    companyId: after.companyId,
    incidentId: after.id,
    status: after.status,
    severity: after.severity,
    title: after.title,
    correlationKey: after.correlationKey,
    alertCount: after.alertCount,
    firingCount: after.firingCount,
    flapping: after.flapping,
    lastSeenAt: after.lastSeenAt.toISOString(),
  };
  try {
    await (deps.onIncidentChanged ? deps.onIncidentChanged(event) : onIncidentChanged(deps, event));
  } catch (e) {
    deps.logger?.error(`[notifications] incident ${after.id} resolved from the PSA: ${(e as Error).message}`);
  }
  return true;
}
