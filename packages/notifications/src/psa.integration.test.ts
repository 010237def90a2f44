// PSA tickets in the incident lifecycle, end to end on the delivery path: incident changes →
// policy → delivery rows and jobs → ConnectWise REST calls against the loopback ConnectWise
// (API member keys + clientId checked) → ticket links, timeline and audit; the poller resolving
// an incident whose ticket was closed in the PSA.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CwState, startConnectWise } from './testing/connectwise-server.ts';
import { createHarness, type Harness } from './testing/harness.ts';
import {
  deleteChannel,
  deletePolicy,
  dispatchTrigger,
  listPsaConnections,
  mapPsaCompany,
  pollPsaTickets,
  PSA_POLL_JOB,
  startPsaPoller,
  saveChannel,
  savePolicy,
  savePsaConnection,
  testPsaConnection,
} from './index.ts';

const target = inject('pgTargets')[0]!;
const creds = {
  companyId: 'acmemsp',
  publicKey: 'pubKEY123',
  privateKey: 'privKEYsecret456',
  clientId: '3f1c2a4e-8d6b-4c1a-9e7f-0a1b2c3d4e5f',
};

describe(`PSA tickets in the incident lifecycle on ${target.name}`, () => {
  let h: Harness;
  let cw: CwState;
  let companyId: string;
  let connectionId: string;
  const ticketOf = async (incidentId: string) =>
    h.prisma.psaTicketLink.findUnique({ where: { incidentId_connectionId: { incidentId, connectionId } } });
  const events = async (incidentId: string) =>
    (await h.prisma.incidentEvent.findMany({ where: { incidentId }, orderBy: { createdAt: 'asc' } })).map(
      (e) => e.type,
    );

  beforeAll(async () => {
    h = await createHarness(target);
    cw = await startConnectWise(creds);
    companyId = (await h.company('Acme')).id;
    ({ id: connectionId } = await savePsaConnection(h.deps, {
      mspId: h.msp.id,
      actorId: h.user.id,
      input: {
        kind: 'CONNECTWISE',
        name: 'CW Manage',
        baseUrl: cw.url,
        ...creds,
        board: 'Help Desk',
        priorities: { CRITICAL: 1, HIGH: 2 },
      },
    }));
    await mapPsaCompany(h.prisma, {
      mspId: h.msp.id,
      actorId: h.user.id,
      connectionId,
      companyId,
      psaCompany: 'ACME',
    });
    await savePolicy(h.prisma, {
      mspId: h.msp.id,
      actorId: h.user.id,
      input: {
        name: 'tickets',
        triggers: ['incident.opened'],
        channelIds: [],
        psaConnectionId: connectionId,
      },
    });
  });
  afterAll(async () => {
    await cw?.close();
    await h?.close();
  });

  it('keys are sealed, never listed nor audited; the test call reaches ConnectWise with them', async () => {
    const row = await h.prisma.psaConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(JSON.stringify(row)).not.toContain(creds.privateKey);
    const listed = await listPsaConnections(h.prisma, h.msp.id);
    expect(JSON.stringify(listed)).not.toContain(creds.privateKey);
    expect(listed[0]!.mappings.map((m) => m.psaCompany)).toEqual(['ACME']);
    const audits = await h.prisma.auditLog.findMany({ where: { mspId: h.msp.id, targetId: connectionId } });
    expect(audits.map((a) => a.action).sort()).toEqual([
      'notification.psa.company_mapped',
      'notification.psa.created',
    ]);
    expect(JSON.stringify(audits.map((a) => a.data))).not.toContain(creds.privateKey);
    expect(await testPsaConnection(h.deps, { mspId: h.msp.id, id: connectionId })).toMatchObject({
      ok: true,
    });
  });

  it('open → ticket (board, company, priority); changes → notes; resolve → closed; once per trigger', async () => {
    const inc = await h.incident(companyId, { severity: 'HIGH', asset: 'db-01' });
    await h.notify(h.event(inc, 'incident.created'));
    // The note for a severity raise is queued before the ticket exists: it waits for it.
    await h.prisma.incident.update({ where: { id: inc.id }, data: { severity: 'CRITICAL' } });
    await h.notify(h.event(inc, 'incident.updated', { severity: 'CRITICAL' }));
    await h.notify(h.event(inc, 'incident.created')); // the same change again: nothing new
    await h.drain();
    h.advance(6_000);
    await h.drain();
    const link = (await ticketOf(inc.id))!;
    expect(link.status).toBe('OPEN');
    expect(cw.tickets.size).toBe(1);
    const t = cw.tickets.get(Number(link.ticketId))!;
    expect([t.board, t.company, t.priority, t.status]).toEqual(['Help Desk', 'ACME', 2, 'New']);
    expect(t.initialDescription).toContain(`Alert Whisperer incident ${inc.id}`);
    expect(t.notes).toEqual([expect.stringContaining('Severity raised')]);

    await h.prisma.incident.update({ where: { id: inc.id }, data: { status: 'ACKNOWLEDGED' } });
    await h.notify(h.event(inc, 'incident.updated', { status: 'ACKNOWLEDGED', severity: 'CRITICAL' }));
    await dispatchTrigger(h.deps, {
      trigger: 'runbook.failed',
      mspId: h.msp.id,
      incidentId: inc.id,
      suffix: 'exec-1',
      detail: 'restart-service failed',
    });
    await h.drain();
    expect(t.notes).toHaveLength(3);
    expect(t.notes[1]).toContain('Acknowledged');
    expect(t.notes[2]).toContain('Runbook failed');

    await h.prisma.incident.update({ where: { id: inc.id }, data: { status: 'RESOLVED' } });
    await h.notify(h.event(inc, 'incident.resolved', { severity: 'CRITICAL' }));
    await h.notify(h.event(inc, 'incident.resolved', { severity: 'CRITICAL' }));
    await h.drain();
    expect([t.status, t.closedFlag]).toEqual(['Closed (resolved)', true]);
    expect(t.notes).toHaveLength(4);
    expect(await ticketOf(inc.id)).toMatchObject({ status: 'CLOSED', closedBy: 'us' });
    expect(cw.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(await events(inc.id)).toEqual([
      'psa.ticket_created',
      'psa.note_added',
      'psa.note_added',
      'psa.note_added',
      'psa.ticket_closed',
    ]);
  });

  it('the poller resolves an incident whose ticket was closed in ConnectWise, once', async () => {
    const changed: string[] = [];
    const deps = {
      ...h.deps,
      onIncidentChanged: async (e: Parameters<typeof h.notify>[0]) => {
        changed.push(`${e.incidentId}:${e.status}`);
        await h.notify(e);
      },
    };
    const inc = await h.incident(companyId, { severity: 'MEDIUM', asset: 'web-07' });
    await h.notify(h.event(inc, 'incident.created'));
    await h.drain();
    const link = (await ticketOf(inc.id))!;
    expect(cw.tickets.get(Number(link.ticketId))!.priority).toBeUndefined(); // MEDIUM: not mapped
    // The poll runs as one singleton job on the queue, every psaPollMs (default 60 s).
    await startPsaPoller(h.deps);
    await startPsaPoller(h.deps);
    expect(await h.prisma.job.count({ where: { name: PSA_POLL_JOB } })).toBe(1);
    await h.drain();
    const polled = await h.prisma.psaConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(polled.lastPolledAt?.getTime()).toBe(h.clock().getTime());
    const job = await h.prisma.job.findFirstOrThrow({ where: { name: PSA_POLL_JOB } });
    expect([job.state, job.runAt.getTime()]).toEqual(['QUEUED', h.clock().getTime() + 60_000]);
    expect((await pollPsaTickets(deps)).resolved).toEqual([]);
    // A technician closes the ticket in ConnectWise.
    Object.assign(cw.tickets.get(Number(link.ticketId))!, { status: 'Closed (resolved)', closedFlag: true });
    const patches = cw.requests.filter((r) => r.method === 'PATCH').length;
    const report = await pollPsaTickets(deps);
    expect(report.resolved).toEqual([inc.id]);
    expect(report.errors).toEqual([]);
    const after = await h.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } });
    expect([after.status, after.openKey, after.resolution]).toEqual(['RESOLVED', null, 'MANUAL']);
    expect(after.resolutionNote).toContain(`Ticket #${link.ticketId} was closed in ConnectWise`);
    expect(changed).toEqual([`${inc.id}:RESOLVED`]);
    expect(await ticketOf(inc.id)).toMatchObject({ status: 'CLOSED', closedBy: 'psa' });
    const audit = await h.prisma.auditLog.findFirst({
      where: { targetId: inc.id, action: 'incident.resolved' },
    });
    expect(audit?.data).toMatchObject({ via: 'psa', ticketId: link.ticketId });
    // The resolved trigger runs, but the ticket is already closed there: no second close.
    await h.drain();
    expect(cw.requests.filter((r) => r.method === 'PATCH').length).toBe(patches);
    expect((await pollPsaTickets(deps)).resolved).toEqual([]);
    expect(await events(inc.id)).toEqual(['psa.ticket_created', 'resolved', 'psa.ticket_closed_in_psa']);
    const conn = await h.prisma.psaConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect([conn.lastPolledAt?.getTime(), conn.lastPollError]).toEqual([h.clock().getTime(), null]);
  });

  it('no company mapping or wrong keys (401): dead letter at once, with the reason', async () => {
    const other = await h.company('Globex');
    const inc = await h.incident(other.id);
    await h.notify(h.event(inc, 'incident.created'));
    await h.drain();
    const dead = await h.prisma.notificationDelivery.findFirstOrThrow({ where: { incidentId: inc.id } });
    expect([dead.status, dead.lastError]).toEqual(['FAILED', expect.stringContaining('no company mapping')]);
    expect(await events(inc.id)).toEqual(['psa.failed']);

    const { id: badId } = await savePsaConnection(h.deps, {
      mspId: h.msp.id,
      actorId: null,
      input: {
        kind: 'CONNECTWISE',
        name: 'bad keys',
        baseUrl: cw.url,
        ...creds,
        privateKey: 'wrong',
        board: 'B',
      },
    });
    await mapPsaCompany(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      connectionId: badId,
      companyId: other.id,
      psaCompany: 'GLOBEX',
    });
    await savePolicy(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      input: { name: 'bad', companyId: other.id, triggers: ['incident.opened'], psaConnectionId: badId },
    });
    const inc2 = await h.incident(other.id, { asset: 'x-2' });
    await h.notify(h.event(inc2, 'incident.created'));
    await h.drain();
    const row = await h.prisma.notificationDelivery.findFirstOrThrow({
      where: { incidentId: inc2.id, psaConnectionId: badId },
    });
    expect([row.status, row.attempts]).toEqual(['FAILED', 1]);
    expect(row.lastError).toContain('401');
    expect(await testPsaConnection(h.deps, { mspId: h.msp.id, id: badId })).toMatchObject({
      ok: false,
      error: expect.stringContaining('401'),
    });
  });

  it('tenancy: another MSP cannot use, map or test this connection', async () => {
    const msp2 = await h.prisma.msp.create({ data: { name: 'Other', slug: `other-${Date.now()}` } });
    await expect(
      savePolicy(h.prisma, {
        mspId: msp2.id,
        actorId: null,
        input: { name: 'x', triggers: ['incident.opened'], psaConnectionId: connectionId },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      mapPsaCompany(h.prisma, { mspId: msp2.id, actorId: null, connectionId, companyId, psaCompany: 'X' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(testPsaConnection(h.deps, { mspId: msp2.id, id: connectionId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // And this MSP cannot map a company of the other one.
    const foreign = await h.company('Foreign', 'UTC', msp2.id);
    await expect(
      mapPsaCompany(h.prisma, {
        mspId: h.msp.id,
        actorId: null,
        connectionId,
        companyId: foreign.id,
        psaCompany: 'F',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('policy and channel changes are in the audit log with the actor, never a secret', async () => {
    const url = 'http://127.0.0.1:9/hook-with-secret-path-XYZ';
    const { id: ch } = await saveChannel(h.deps, {
      mspId: h.msp.id,
      actorId: h.user.id,
      input: { kind: 'SLACK', name: 'audited', url },
    });
    await saveChannel(h.deps, {
      mspId: h.msp.id,
      actorId: h.user.id,
      id: ch,
      input: { kind: 'SLACK', name: 'audited 2', url },
    });
    const { id: p } = await savePolicy(h.prisma, {
      mspId: h.msp.id,
      actorId: h.user.id,
      input: { name: 'audited', triggers: ['incident.opened'], channelIds: [ch] },
    });
    await savePolicy(h.prisma, {
      mspId: h.msp.id,
      actorId: h.user.id,
      id: p,
      input: {
        name: 'audited',
        triggers: ['incident.resolved'],
        channelIds: [ch],
        psaConnectionId: connectionId,
      },
    });
    await deletePolicy(h.prisma, { mspId: h.msp.id, actorId: h.user.id, id: p });
    await deleteChannel(h.prisma, { mspId: h.msp.id, actorId: h.user.id, id: ch });
    const rows = await h.prisma.auditLog.findMany({
      where: { targetId: { in: [ch, p] } },
      orderBy: { createdAt: 'asc' },
    });
    expect(rows.map((r) => [r.action, r.actorId])).toEqual([
      ['notification.channel.created', h.user.id],
      ['notification.channel.updated', h.user.id],
      ['notification.policy.created', h.user.id],
      ['notification.policy.updated', h.user.id],
      ['notification.policy.deleted', h.user.id],
      ['notification.channel.deleted', h.user.id],
    ]);
    expect(rows[3]!.data).toMatchObject({ triggers: ['incident.resolved'], psaConnectionId: connectionId });
    expect(JSON.stringify(rows.map((r) => r.data))).not.toContain('secret-path-XYZ');
  });

  it('a policy needs a channel or a PSA connection; bad connection input names the field', async () => {
    await expect(
      savePolicy(h.prisma, {
        mspId: h.msp.id,
        actorId: null,
        input: { name: 'empty', triggers: ['incident.opened'] },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', problems: [{ field: 'channelIds' }] });
    await expect(
      savePsaConnection(h.deps, {
        mspId: h.msp.id,
        actorId: null,
        input: { kind: 'CONNECTWISE', name: 'n', baseUrl: cw.url, ...creds, clientId: 'nope', board: 'B' },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', problems: [{ field: 'clientId' }] });
    await expect(
      savePsaConnection(h.deps, {
        mspId: h.msp.id,
        actorId: null,
        input: {
          kind: 'CONNECTWISE',
          name: 'n',
          baseUrl: cw.url,
          ...creds,
          publicKey: undefined,
          privateKey: undefined,
          board: 'B',
        },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', problems: [{ field: 'privateKey' }] });
  });
});
